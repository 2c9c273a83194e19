package text

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/diffusego/diffusego/checkpoint"
)

// Token ids of every vocabulary: 0 is padding (also the end-of-document
// marker), 1 the replacement character U+FFFD that stands for characters
// outside the vocabulary; the characters follow from id 2 in code-point
// order. The mask token of masked diffusion is id Size(), one past the real
// tokens, and is never part of the data.
const (
	PadID         = 0
	ReplacementID = 1
	Replacement   = '\uFFFD'
)

// Vocab maps characters (Unicode code points) to token ids and back.
type Vocab struct {
	chars []rune       // id firstChar+i ↔ chars[i], ascending
	index map[rune]int // character → id
}

const firstChar = 2

// BuildVocab collects the characters of texts (the training split) into a
// vocabulary, in code-point order after the padding and replacement tokens.
// With maxSize > 0 and more characters than fit, only the maxSize−2 most
// frequent are kept (ties to the smaller code point) and the rest are
// mapped to the replacement token by EncodeReplacing, not dropped; maxSize
// must then be at least 3.
func BuildVocab(texts []string, maxSize int) (*Vocab, error) {
	if maxSize != 0 && maxSize < firstChar+1 {
		return nil, fmt.Errorf("text: vocabulary cap %d: want 0 (no cap) or at least %d", maxSize, firstChar+1)
	}
	counts := map[rune]int{}
	for _, s := range texts {
		for _, r := range s {
			if r != Replacement {
				counts[r]++
			}
		}
	}
	if len(counts) == 0 {
		return nil, fmt.Errorf("text: vocabulary: the texts hold no characters")
	}
	chars := make([]rune, 0, len(counts))
	for r := range counts {
		chars = append(chars, r)
	}
	if maxSize > 0 && len(chars) > maxSize-firstChar {
		slices.SortFunc(chars, func(a, b rune) int {
			if counts[a] != counts[b] {
				return counts[b] - counts[a]
			}
			return int(a - b)
		})
		chars = chars[:maxSize-firstChar]
	}
	slices.Sort(chars)
	return newVocab(chars), nil
}

func newVocab(chars []rune) *Vocab {
	v := &Vocab{chars: chars, index: make(map[rune]int, len(chars)+1)}
	v.index[Replacement] = ReplacementID
	for i, r := range chars {
		v.index[r] = firstChar + i
	}
	return v
}

// Size returns V, the number of real tokens (characters, padding and
// replacement); ids are 0..V−1.
func (v *Vocab) Size() int { return firstChar + len(v.chars) }

// MaskID returns the id of the absorbing mask token, V.
func (v *Vocab) MaskID() int { return v.Size() }

// Chars returns the characters in id order (id 2 first).
func (v *Vocab) Chars() []rune { return slices.Clone(v.chars) }

// ID returns the id of character r and whether r is in the vocabulary.
func (v *Vocab) ID(r rune) (int, bool) {
	id, ok := v.index[r]
	return id, ok
}

// UnknownCharError reports a character that is not in the vocabulary.
type UnknownCharError struct {
	Char     rune
	Position int // 0-based index of the character (not the byte) in the string
}

// Error names the character quoted, its code point and its position.
func (e *UnknownCharError) Error() string {
	return fmt.Sprintf("text: character %q (U+%04X) at position %d is not in the vocabulary", e.Char, e.Char, e.Position)
}

// Encode returns the ids of the characters of s, or an *UnknownCharError
// for the first character outside the vocabulary.
func (v *Vocab) Encode(s string) ([]int, error) {
	ids := make([]int, 0, len(s))
	pos := 0
	for _, r := range s {
		id, ok := v.index[r]
		if !ok {
			return nil, &UnknownCharError{Char: r, Position: pos}
		}
		ids = append(ids, id)
		pos++
	}
	return ids, nil
}

// EncodeReplacing is Encode that maps characters outside the vocabulary to
// ReplacementID (for held-out text and capped vocabularies) and returns how
// many it replaced.
func (v *Vocab) EncodeReplacing(s string) (ids []int, replaced int) {
	ids = make([]int, 0, len(s))
	for _, r := range s {
		id, ok := v.index[r]
		if !ok {
			id = ReplacementID
			replaced++
		}
		ids = append(ids, id)
	}
	return ids, replaced
}

// EncodeAll applies EncodeReplacing to each text and returns the total
// number of replaced characters.
func (v *Vocab) EncodeAll(texts []string) (docs [][]int, replaced int) {
	docs = make([][]int, len(texts))
	for i, s := range texts {
		var n int
		docs[i], n = v.EncodeReplacing(s)
		replaced += n
	}
	return docs, replaced
}

// Decode returns the text of ids. Padding tokens are left out (TrimAtPad
// keeps only the first document); the replacement token decodes to U+FFFD.
// An id outside 0..V−1, the mask id included, is an error naming its
// position.
func (v *Vocab) Decode(ids []int) (string, error) {
	var b strings.Builder
	for i, id := range ids {
		switch {
		case id == PadID:
		case id == ReplacementID:
			b.WriteRune(Replacement)
		case id >= firstChar && id < v.Size():
			b.WriteRune(v.chars[id-firstChar])
		case id == v.MaskID():
			return "", fmt.Errorf("text: decode: position %d holds the mask token %d, want a character id", i, id)
		default:
			return "", fmt.Errorf("text: decode: position %d holds id %d, want 0..%d", i, id, v.Size()-1)
		}
	}
	return b.String(), nil
}

// DecodeMasked is Decode for a partly masked sequence, as the sampler of
// masked diffusion holds it: the mask id is shown as the rune mask (such
// as '_' or '█') instead of being an error.
func (v *Vocab) DecodeMasked(ids []int, mask rune) (string, error) {
	var b strings.Builder
	from := 0
	for i, id := range ids {
		if id != v.MaskID() {
			continue
		}
		s, err := v.Decode(ids[from:i])
		if err != nil {
			return "", err
		}
		b.WriteString(s)
		b.WriteRune(mask)
		from = i + 1
	}
	s, err := v.Decode(ids[from:])
	if err != nil {
		return "", err
	}
	b.WriteString(s)
	return b.String(), nil
}

// TrimAtPad returns ids up to (not including) the first padding token: the
// first document of a sequence.
func TrimAtPad(ids []int) []int {
	if i := slices.Index(ids, PadID); i >= 0 {
		return ids[:i]
	}
	return ids
}

// vocabFile is the JSON form of a Vocab, stored beside a checkpoint.
type vocabFile struct {
	Kind          string   `json:"kind"`
	PadID         int      `json:"pad_id"`
	ReplacementID int      `json:"replacement_id"`
	MaskID        int      `json:"mask_id"`
	Chars         []string `json:"chars"` // one character each, from id 2
}

const vocabKind = "diffusego-char-vocab"

// vocabJSON is v in its JSON form (Save, and a checkpoint's VocabKey).
func vocabJSON(v *Vocab) vocabFile {
	f := vocabFile{Kind: vocabKind, PadID: PadID, ReplacementID: ReplacementID, MaskID: v.MaskID(), Chars: make([]string, len(v.chars))}
	for i, r := range v.chars {
		f.Chars[i] = string(r)
	}
	return f
}

// Save writes v as JSON to path, atomically (checkpoint.WriteJSON).
func (v *Vocab) Save(path string) error {
	return checkpoint.WriteJSON(path, vocabJSON(v))
}

// LoadVocab reads a vocabulary written by Save, checking that every entry is
// one character, none repeats and the special ids are this package's.
func LoadVocab(path string) (*Vocab, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("text: vocabulary: %w", err)
	}
	return DecodeVocab(b, path)
}

// DecodeVocab is LoadVocab for data in memory; path is used in errors.
func DecodeVocab(data []byte, path string) (*Vocab, error) {
	var f vocabFile
	if err := checkpoint.DecodeJSON(data, path, &f); err != nil {
		return nil, fmt.Errorf("text: vocabulary: %w", err)
	}
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("text: vocabulary %s: field %q: %s", path, field, fmt.Sprintf(format, args...))
	}
	switch {
	case f.Kind != vocabKind:
		return nil, bad("kind", "want %q, got %q", vocabKind, f.Kind)
	case f.PadID != PadID:
		return nil, bad("pad_id", "want %d, got %d", PadID, f.PadID)
	case f.ReplacementID != ReplacementID:
		return nil, bad("replacement_id", "want %d, got %d", ReplacementID, f.ReplacementID)
	case len(f.Chars) == 0:
		return nil, bad("chars", "want at least one character, got none")
	}
	chars := make([]rune, len(f.Chars))
	seen := map[rune]int{}
	for i, s := range f.Chars {
		r, size := utf8.DecodeRuneInString(s)
		if s == "" || size != len(s) || (r == utf8.RuneError && size <= 1) {
			return nil, bad(fmt.Sprintf("chars[%d]", i), "want one character, got %q", s)
		}
		if r == Replacement {
			return nil, bad(fmt.Sprintf("chars[%d]", i), "U+FFFD is the replacement token (id %d), not a character entry", ReplacementID)
		}
		if j, dup := seen[r]; dup {
			return nil, bad(fmt.Sprintf("chars[%d]", i), "%q repeats chars[%d]", s, j)
		}
		seen[r] = i
		chars[i] = r
	}
	v := newVocab(chars)
	if f.MaskID != v.MaskID() {
		return nil, bad("mask_id", "want %d (one past the %d real tokens), got %d", v.MaskID(), v.Size(), f.MaskID)
	}
	return v, nil
}
