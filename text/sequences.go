package text

import (
	"fmt"
	"slices"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tensor"
)

// Packing says how documents become sequences of the context length L. In
// both packings an end marker that would start a new window (after a
// document, or the whole stream, of a multiple of L tokens) is left out,
// so that no sequence is padding only.
type Packing int

const (
	// Pad gives each document its own sequences: its ids and one PadID as
	// the end marker, cut into chunks of L, the last chunk filled up with
	// PadID. Short documents waste the rest of their window on padding.
	Pad Packing = iota
	// Pack concatenates all documents, each followed by one PadID as the
	// separator, and cuts the stream into windows of L; only the last
	// window is filled up with PadID. No padding is wasted, but a window
	// may start inside a document.
	Pack
)

// String returns "pad" or "pack".
func (p Packing) String() string {
	switch p {
	case Pad:
		return "pad"
	case Pack:
		return "pack"
	}
	return fmt.Sprintf("Packing(%d)", int(p))
}

// ParsePacking reads "pad" or "pack".
func ParsePacking(s string) (Packing, error) {
	switch s {
	case "pad":
		return Pad, nil
	case "pack":
		return Pack, nil
	}
	return 0, fmt.Errorf("text: packing %q: want pad or pack", s)
}

// Sequences holds N token sequences of length L, row-major.
type Sequences struct {
	L      int
	Tokens []int // (N, L)
}

// Len returns N, the number of sequences.
func (s *Sequences) Len() int { return len(s.Tokens) / s.L }

// Row returns sequence i (a view, length L).
func (s *Sequences) Row(i int) []int { return s.Tokens[i*s.L : (i+1)*s.L] }

// MakeSequences lays out encoded documents (ids in 0..V−1, no PadID inside)
// as sequences of length L in the given Packing.
func MakeSequences(docs [][]int, L int, mode Packing) (*Sequences, error) {
	if L < 1 {
		return nil, fmt.Errorf("text: context length %d: want at least 1", L)
	}
	var tokens []int
	switch mode {
	case Pad:
		for _, d := range docs {
			tokens = append(tokens, d...)
			tokens = endAndPad(tokens, L)
		}
	case Pack:
		for i, d := range docs {
			tokens = append(tokens, d...)
			if i < len(docs)-1 {
				tokens = append(tokens, PadID)
			}
		}
		tokens = endAndPad(tokens, L)
	default:
		return nil, fmt.Errorf("text: packing %v: want pad or pack", mode)
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("text: no documents to make sequences of")
	}
	return &Sequences{L: L, Tokens: tokens}, nil
}

// endAndPad appends the end marker PadID unless tokens fill whole windows,
// then PadID up to a multiple of L.
func endAndPad(tokens []int, L int) []int {
	if len(tokens)%L == 0 {
		return tokens
	}
	for len(tokens)%L != 0 {
		tokens = append(tokens, PadID)
	}
	return tokens
}

// EncodeSequences encodes texts with v (characters outside it become
// ReplacementID, counted in replaced) and lays them out with MakeSequences.
func EncodeSequences(v *Vocab, texts []string, L int, mode Packing) (s *Sequences, replaced int, err error) {
	docs, replaced := v.EncodeAll(texts)
	s, err = MakeSequences(docs, L, mode)
	return s, replaced, err
}

// DocumentSplit holds the documents of a train/validation/test split.
type DocumentSplit struct {
	Train, Val, Test []Document
}

// SplitDocuments splits docs by document with data.SplitIndices (val and
// test are fractions of the documents; the result depends only on the
// number of documents, the fractions and seed). Each part keeps the
// corpus order, so a chunked document never spans two parts.
func SplitDocuments(docs []Document, val, test float64, seed uint64) (DocumentSplit, error) {
	sp, err := data.SplitIndices(len(docs), val, test, seed)
	if err != nil {
		return DocumentSplit{}, fmt.Errorf("text: %w", err)
	}
	pick := func(idx []int) []Document {
		idx = slices.Clone(idx)
		slices.Sort(idx)
		out := make([]Document, len(idx))
		for i, j := range idx {
			out[i] = docs[j]
		}
		return out
	}
	return DocumentSplit{Train: pick(sp.Train), Val: pick(sp.Val), Test: pick(sp.Test)}, nil
}

// Batches serves (Size, L) batches of sequences as a function of the step
// number alone, as train.Batches does for images: step s is batch s mod B of
// epoch s div B, with B = ⌊N/Size⌋ (the last partial batch is dropped), and
// each epoch visits the sequences in a permutation drawn from Seed and the
// epoch number. A resumed run therefore sees exactly the batches an
// uninterrupted one would. A Batches caches the current epoch's order and
// serves one goroutine.
type Batches struct {
	Seqs *Sequences
	Size int
	Seed uint64

	epoch int   // the epoch perm belongs to; −1 before the first
	perm  []int // sequence order of that epoch
}

// NewBatches checks the batch size against the sequences.
func NewBatches(s *Sequences, size int, seed uint64) (*Batches, error) {
	if n := s.Len(); size < 1 || size > n {
		return nil, fmt.Errorf("text: batch size %d: want between 1 and the %d sequences", size, n)
	}
	return &Batches{Seqs: s, Size: size, Seed: seed, epoch: -1}, nil
}

// PerEpoch returns the number of batches in one epoch.
func (b *Batches) PerEpoch() int { return b.Seqs.Len() / b.Size }

// Batch returns the token ids of the given step, (Size, L) row-major, and
// its epoch. The slice is new on every call. A negative step is an error.
func (b *Batches) Batch(step int) (ids []int, epoch int, err error) {
	if step < 0 {
		return nil, 0, fmt.Errorf("text: batch for step %d: want a step ≥ 0", step)
	}
	epoch = step / b.PerEpoch()
	if epoch != b.epoch {
		b.perm = tensor.NewRNG(b.Seed).Split(uint64(epoch)).Perm(b.Seqs.Len())
		b.epoch = epoch
	}
	first := (step % b.PerEpoch()) * b.Size
	ids = make([]int, 0, b.Size*b.Seqs.L)
	for _, i := range b.perm[first : first+b.Size] {
		ids = append(ids, b.Seqs.Row(i)...)
	}
	return ids, epoch, nil
}
