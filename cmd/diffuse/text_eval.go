package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/text"
	"github.com/spf13/cobra"
)

// textEvalFlags are the settings of diffuse text eval.
type textEvalFlags struct {
	model, ar, data, format, split, out, words string
	ngram, samples, steps, draws, limit, gap   int
	seed                                       uint64
}

// textReport is what diffuse text eval measures; --out writes it as JSON.
type textReport struct {
	Model        string            `json:"model"`
	Split        string            `json:"split"`
	Sequences    int               `json:"sequences"`
	Bits         float64           `json:"bits_per_char"`
	BitsStdErr   float64           `json:"bits_per_char_stderr"`
	InfillBits   float64           `json:"infill_bits_per_char,omitempty"`
	InfillStdErr float64           `json:"infill_bits_per_char_stderr,omitempty"`
	InfillGap    int               `json:"infill_gap,omitempty"`
	Samples      *textSampleReport `json:"samples,omitempty"`
	Baselines    []textBaseline    `json:"baselines,omitempty"`
	// HeldOut is the same statistics of as many held-out documents as
	// there are samples: what the samples should look like.
	HeldOut *textSampleReport `json:"held_out,omitempty"`
}

// textSampleReport describes one set of samples.
type textSampleReport struct {
	Steps        int        `json:"steps,omitempty"`
	Seconds      float64    `json:"seconds"`
	CharsPerSec  float64    `json:"chars_per_second"`
	Stats        text.Stats `json:"stats"`
	GenBits      float64    `json:"generative_bits_per_char,omitempty"` // under the autoregressive baseline
	FirstSamples []string   `json:"first_samples"`
}

// textBaseline is a baseline's numbers on the same split.
type textBaseline struct {
	Name    string            `json:"name"`
	Bits    float64           `json:"bits_per_char"`
	Samples *textSampleReport `json:"samples,omitempty"`
}

func newTextEvalCmd() *cobra.Command {
	var f textEvalFlags
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Held-out bits per character, infilling and sample statistics of a text model",
		Long: `eval scores a text model on the held-out documents of its own split (rebuilt
from the data source, fractions and seed stored in the checkpoint; --data
overrides the source): bits per character (for MDLM the diffusion bound,
an upper bound; for an autoregressive model the exact value), infilling
bits per character on one held-out gap of --gap characters per sequence,
and statistics of --samples samples against held-out text: character
entropy, distinct-2, word validity (Debian's wamerican word list), novelty
and the share of 32-character windows copied from the training text.
Baselines on the same split: a character n-gram model (--ngram, interpolated
Kneser-Ney) and, with --ar, an autoregressive model, which also scores every
sample set (generative bits per character).`,
		Example: `  diffuse text eval --model runs/fortunes --ar runs/fortunes-ar --out report.json`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.model == "" {
				return usagef("text eval: --model is required")
			}
			if f.split != "test" && f.split != "val" {
				return usagef("text eval: --split %q: want test or val", f.split)
			}
			r, err := runTextEval(cmd.Context(), f, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			printTextReport(cmd.OutOrStdout(), r)
			if f.out != "" {
				return checkpoint.WriteJSON(f.out, r)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.model, "model", "", "text checkpoint or run folder to evaluate")
	fl.StringVar(&f.ar, "ar", "", "autoregressive baseline checkpoint or run folder (same data and split)")
	fl.StringVar(&f.data, "data", "", "corpus to split instead of the one the model was trained on")
	fl.StringVar(&f.format, "format", "auto", "corpus format with --data: auto, lines, fortune or json")
	fl.StringVar(&f.split, "split", "test", "held-out part: test or val")
	fl.IntVar(&f.limit, "limit", 0, "score at most this many held-out sequences (0 = all)")
	fl.IntVar(&f.draws, "draws", 4, "times drawn per sequence for the diffusion bound")
	fl.IntVar(&f.gap, "gap", 16, "infilling gap in characters (0 = skip)")
	fl.IntVar(&f.ngram, "ngram", 5, "order of the n-gram baseline (0 = skip)")
	fl.IntVar(&f.samples, "samples", 100, "samples to draw for the statistics (0 = skip)")
	fl.IntVar(&f.steps, "steps", 128, "denoising steps of MDLM samples")
	fl.Uint64Var(&f.seed, "seed", 1, "seed of the bound's times and of the samples")
	fl.StringVar(&f.words, "words", text.DefaultWordList, "word list for word validity (empty = skip)")
	fl.StringVar(&f.out, "out", "", "JSON report to write")
	return cmd
}

// runTextEval measures everything textEvalFlags asks for.
func runTextEval(ctx context.Context, f textEvalFlags, log io.Writer) (*textReport, error) {
	m, source, err := loadTextModel(f.model, false)
	if err != nil {
		return nil, err
	}
	file, err := checkpoint.ReadFile(source)
	if err != nil {
		return nil, err
	}
	dc, ok, err := text.DataFromMeta(file.Meta, source)
	if err != nil {
		return nil, err
	}
	if f.data != "" {
		dc.Source, dc.Format = f.data, f.format
		if !ok {
			dc.Val, dc.Test, dc.Seed = 0.05, 0.05, 1
		}
	} else if !ok {
		return nil, usagef("text eval: %s records no data source: give --data", source)
	}
	docs, err := text.LoadDocuments(dc)
	if err != nil {
		return nil, err
	}
	mode, err := text.ParsePacking(m.Config.Packing)
	if err != nil {
		return nil, err
	}
	corpus, err := text.PrepareCorpus(docs, dc, m.Vocab, m.Config.Context, mode)
	if err != nil {
		return nil, err
	}
	held, heldDocs := corpus.Test, corpus.Split.Test
	if f.split == "val" {
		held, heldDocs = corpus.Val, corpus.Split.Val
	}
	if held == nil {
		return nil, fmt.Errorf("text eval: the %s split of %s is empty", f.split, dc.Source)
	}
	if f.limit > 0 {
		held = firstSequences(held, f.limit)
	}
	r := &textReport{Model: source, Split: f.split, Sequences: held.Len()}
	fmt.Fprintf(log, "scoring %d %s sequences of %d characters\n", held.Len(), f.split, held.L)
	if r.Bits, r.BitsStdErr, err = text.BitsPerChar(ctx, m, held, f.draws, 16, f.seed); err != nil {
		return nil, err
	}
	if m.Config.Objective == text.MDLM && f.gap > 0 {
		r.InfillGap = f.gap
		if r.InfillBits, r.InfillStdErr, _, err = text.InfillBitsPerChar(ctx, m, held, f.gap, f.draws, 16, f.seed); err != nil {
			return nil, err
		}
	}
	var ref text.Reference
	var ar *text.Model
	if f.samples > 0 {
		if ref, err = textReference(corpus, heldDocs, f.words); err != nil {
			return nil, err
		}
	}
	if f.ar != "" {
		arSource := ""
		if ar, arSource, err = loadTextModel(f.ar, false); err != nil {
			return nil, err
		}
		if ar.Config.Objective != text.Autoregressive || !slices.Equal(ar.Vocab.Chars(), m.Vocab.Chars()) || ar.Config.Context != m.Config.Context {
			return nil, fmt.Errorf("text eval: --ar %s: want an autoregressive model with the same vocabulary and context as %s", arSource, source)
		}
		b := textBaseline{Name: "autoregressive transformer (" + arSource + ")"}
		if b.Bits, _, err = text.BitsPerChar(ctx, ar, held, 1, 16, f.seed); err != nil {
			return nil, err
		}
		if f.samples > 0 {
			fmt.Fprintf(log, "drawing %d autoregressive samples\n", f.samples)
			start := time.Now()
			texts, err := text.SampleAutoregressive(ctx, ar, f.samples, f.seed, 1, 16)
			if err != nil {
				return nil, err
			}
			if b.Samples, err = describeSamples(ctx, texts, time.Since(start), 0, ref, ar, m.Config.Context); err != nil {
				return nil, err
			}
		}
		r.Baselines = append(r.Baselines, b)
	}
	if f.ngram > 0 {
		ng, err := text.NewNGram(m.Vocab, f.ngram, text.Texts(corpus.Split.Train))
		if err != nil {
			return nil, err
		}
		e, err := ng.EvaluateSequences(held)
		if err != nil {
			return nil, err
		}
		b := textBaseline{Name: fmt.Sprintf("%d-gram Kneser-Ney", f.ngram), Bits: e.BitsPerToken()}
		if f.samples > 0 {
			start := time.Now()
			var texts []string
			rng := tensor.NewRNG(f.seed)
			for range f.samples {
				ids, err := ng.Sample(rng, nil, m.Config.Context-1, 1)
				if err != nil {
					return nil, err
				}
				t, err := m.Vocab.Decode(ids)
				if err != nil {
					return nil, err
				}
				texts = append(texts, t)
			}
			if b.Samples, err = describeSamples(ctx, texts, time.Since(start), 0, ref, ar, m.Config.Context); err != nil {
				return nil, err
			}
		}
		r.Baselines = append(r.Baselines, b)
	}
	if f.samples > 0 {
		fmt.Fprintf(log, "drawing %d samples from %s\n", f.samples, source)
		start := time.Now()
		var texts []string
		steps := 0
		if m.Config.Objective == text.MDLM {
			gen, err := text.Generate(ctx, m, text.Request{N: f.samples, Steps: f.steps, Seed: f.seed}, nil)
			if err != nil {
				return nil, err
			}
			texts, steps = gen.Texts, f.steps
		} else if texts, err = text.SampleAutoregressive(ctx, m, f.samples, f.seed, 1, 16); err != nil {
			return nil, err
		}
		if r.Samples, err = describeSamples(ctx, texts, time.Since(start), steps, ref, ar, m.Config.Context); err != nil {
			return nil, err
		}
		held := text.Texts(heldDocs[:min(f.samples, len(heldDocs))])
		if r.HeldOut, err = describeSamples(ctx, held, 0, 0, ref, ar, m.Config.Context); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// textReference is what samples are compared with: the training texts,
// the held-out texts and the word list (none when words is empty).
func textReference(c *text.Corpus, held []text.Document, words string) (text.Reference, error) {
	idx, err := text.NewTrainingIndex(text.Texts(c.Split.Train), text.NoveltyWindow)
	if err != nil {
		return text.Reference{}, err
	}
	ref := text.Reference{Train: idx, HeldOut: text.Texts(held)}
	if words != "" {
		if ref.Words, err = text.LoadWordList(words); err != nil {
			return text.Reference{}, fmt.Errorf("%w (install Debian's wamerican, or --words \"\" to skip word validity)", err)
		}
	}
	return ref, nil
}

// describeSamples measures a set of samples: statistics against ref, speed
// and, when ar is not nil, their bits per character under ar.
func describeSamples(ctx context.Context, texts []string, took time.Duration, steps int, ref text.Reference, ar *text.Model, l int) (*textSampleReport, error) {
	chars := 0
	for _, t := range texts {
		chars += utf8.RuneCountInString(t)
	}
	s := &textSampleReport{Steps: steps, Seconds: took.Seconds(), Stats: text.SampleStats(texts, ref),
		FirstSamples: texts[:min(5, len(texts))]}
	if took > 0 {
		s.CharsPerSec = float64(chars) / took.Seconds()
	}
	if ar != nil {
		seqs, _, err := text.EncodeSequences(ar.Vocab, texts, l, text.Pad)
		if err != nil {
			return nil, err
		}
		if s.GenBits, _, err = text.BitsPerChar(ctx, ar, seqs, 1, 16, 0); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// printTextReport writes r as a small table.
func printTextReport(w io.Writer, r *textReport) {
	fmt.Fprintf(w, "%s on %d %s sequences\n", r.Model, r.Sequences, r.Split)
	fmt.Fprintf(w, "  bits per character %.4f ± %.4f\n", r.Bits, r.BitsStdErr)
	if r.InfillGap > 0 {
		fmt.Fprintf(w, "  infilling bits per character (gaps of %d) %.4f ± %.4f\n", r.InfillGap, r.InfillBits, r.InfillStdErr)
	}
	printSamples(w, "  ", r.Samples)
	for _, b := range r.Baselines {
		fmt.Fprintf(w, "baseline %s: bits per character %.4f\n", b.Name, b.Bits)
		printSamples(w, "  ", b.Samples)
	}
	if r.HeldOut != nil {
		fmt.Fprintf(w, "held-out documents (the reference):\n")
		printSamples(w, "  ", r.HeldOut)
	}
}

func printSamples(w io.Writer, indent string, s *textSampleReport) {
	if s == nil {
		return
	}
	st := s.Stats
	fmt.Fprintf(w, "%ssamples %d: entropy %.3f bits (held-out %.3f), distinct-2 words %.3f, word validity %.3f, novel %.3f, copied 32-char windows %.3f",
		indent, st.Samples, st.EntropyBits, st.HeldOutEntropy, st.Distinct2Words, st.WordValidity, st.Novel, st.CopiedWindows)
	if s.GenBits > 0 {
		fmt.Fprintf(w, ", generative bits per character %.3f", s.GenBits)
	}
	if s.CharsPerSec > 0 {
		fmt.Fprintf(w, "; %.0f characters/s", s.CharsPerSec)
	}
	fmt.Fprintln(w)
	for i, t := range s.FirstSamples {
		fmt.Fprintf(w, "%s  [%d] %s\n", indent, i, text.EscapeLine(t))
	}
}
