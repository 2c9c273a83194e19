package main

import (
	"context"
	"fmt"
	"github.com/diffusego/diffusego/jobs"
	"io"
	"maps"
	"os"
	"os/signal"

	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/text"
	"github.com/diffusego/diffusego/train"
	"github.com/spf13/cobra"
)

func newTextCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "text",
		Short: "Train, sample and evaluate character-level text models (masked diffusion)",
		Long: `text works on character-level text with masked (absorbing-state) diffusion,
as MDLM (Sahoo et al. 2024): a bidirectional transformer learns to fill in
masked characters, and sampling unmasks a window of characters step by step.
An autoregressive transformer of the same layers (--objective ar) is the
baseline. Corpora are plain text (one document per line), fortune files
(documents separated by a line holding only %), JSON arrays of strings, or
"fortunes" for Debian's fortunes.`,
	}
	cmd.AddCommand(newTextTrainCmd(), newTextSampleCmd(), newTextEvalCmd(), newTextExportCmd())
	return cmd
}

// textTrainFlags are the settings of diffuse text train.
type textTrainFlags struct {
	data                     text.DataConfig
	objective, preset, pack  string
	positions                string
	context, batch, valEvery int
	runFlags
}

func newTextTrainCmd() *cobra.Command {
	var f textTrainFlags
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a text model (MDLM, or the autoregressive baseline)",
		Long: `train fits a transformer to a corpus split by document (train, validation,
test, by --seed). The vocabulary is the training documents' characters plus
padding (which also ends each document) and the mask. It prints a progress
line every --log-every steps, the validation bits per character every
--val-every steps, writes the loss curve (loss.png) and checkpoints
(ckpt-STEP.safetensors, atomic) every --checkpoint-every steps, at the end,
at --minutes and on Ctrl-C, keeping the last --keep. --resume continues a
run exactly.`,
		Example: `  diffuse text train --data fortunes --out runs/fortunes --minutes 45
  diffuse text train --data names.json --context 32 --preset tiny --steps 2000 --out runs/names
  diffuse text train --data fortunes --objective ar --out runs/fortunes-ar --minutes 45
  diffuse text train --data fortunes --out runs/fortunes --resume runs/fortunes`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.data.Source == "" {
				return usagef("text train: --data is required (a corpus file, or %q)", text.FortunesSource)
			}
			if f.out == "" {
				return usagef("text train: --out is required")
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			return runTextTrain(ctx, f, cmd.OutOrStdout())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data.Source, "data", "", `corpus file, or "fortunes" for Debian's fortunes`)
	fl.StringVar(&f.data.Format, "format", "auto", "corpus format: auto, lines, fortune or json")
	fl.Float64Var(&f.data.Val, "val", 0.05, "share of documents held out for validation")
	fl.Float64Var(&f.data.Test, "test", 0.05, "share of documents held out for testing")
	fl.IntVar(&f.data.MaxVocab, "max-vocab", 0, "keep at most this many characters (rarer ones become U+FFFD; 0 = all)")
	fl.Uint64Var(&f.data.Seed, "seed", 1, "random seed: the split, the batches, the masks and the weights")
	fl.StringVar(&f.objective, "objective", text.MDLM, "mdlm (masked diffusion) or ar (autoregressive baseline)")
	fl.StringVar(&f.preset, "preset", "small", "network size: tiny, small or bench")
	fl.StringVar(&f.positions, "positions", "rotary", "how the network knows where a character is: rotary (RoPE) or learned (a position embedding)")
	fl.StringVar(&f.pack, "packing", "pad", "pad (a window per document) or pack (documents concatenated)")
	fl.IntVar(&f.context, "context", 256, "characters per sequence")
	f.runFlags.add(fl, runDefaults{steps: 100000, warmup: 200, checkpointEvery: 500, lr: 1e-3, decay: 0.01})
	fl.IntVar(&f.batch, "batch", 32, "sequences per step")
	fl.IntVar(&f.valEvery, "val-every", 500, "steps between validation bits per character (0 = never)")
	return cmd
}

// runTextTrain trains as f says.
func runTextTrain(ctx context.Context, f textTrainFlags, log io.Writer) error {
	mode, err := text.ParsePacking(f.pack)
	if err != nil {
		return usagef("%v", err)
	}
	if _, err := text.ParseFormat(f.data.Format); err != nil {
		return usagef("%v", err)
	}
	docs, err := text.LoadDocuments(f.data)
	if err != nil {
		return err
	}
	var m *text.Model
	var resumeFrom string
	var vocab *text.Vocab
	var resumed *text.Model
	if f.resume != "" {
		if resumeFrom, err = jobs.NewestCheckpoint(f.resume); err != nil {
			return err
		}
		prev, err := text.Load(resumeFrom, false)
		if err != nil {
			return err
		}
		vocab, resumed = prev.Vocab, prev
	}
	corpus, err := text.PrepareCorpus(docs, f.data, vocab, f.context, mode)
	if err != nil {
		return err
	}
	cfg, err := text.NewModelConfig(f.objective, f.preset, corpus.Vocab.Size(), f.context)
	if err != nil {
		return usagef("%v", err)
	}
	cfg.Packing = mode.String()
	switch f.positions {
	case "rotary":
		cfg.Net.Rotary = true
	case "learned":
		cfg.Net.Rotary = false
	default:
		return usagef("--positions %q: want rotary or learned", f.positions)
	}
	if err := cfg.Validate(); err != nil {
		return usagef("%v", err)
	}
	if resumeFrom != "" {
		if err := sameArchitecture(resumeFrom, resumed.Config, cfg); err != nil {
			return err
		}
	}
	if m, err = text.NewModel(cfg, corpus.Vocab, tensor.NewRNG(f.data.Seed)); err != nil {
		return err
	}
	batches, err := text.NewBatches(corpus.Train, f.batch, f.data.Seed)
	if err != nil {
		return fmt.Errorf("data %s: %w", f.data.Source, err)
	}
	tr, err := train.NewTask(&text.Task{Model: m, Data: batches}, f.options(f.data.Seed))
	if err != nil {
		return usagef("%v", err)
	}
	tr.Unit = "seq"
	if err := resumeInto(tr, resumeFrom, log); err != nil {
		return err
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	meta, err := m.Meta()
	if err != nil {
		return err
	}
	maps.Copy(meta, f.data.Meta())
	fmt.Fprintf(log, "text train: %s, %s preset, %d parameters; %d training documents (%d sequences of %d), %d validation, vocabulary %d; batch %d\n",
		cfg.Objective, f.preset, paramCount(m), len(corpus.Split.Train), corpus.Train.Len(), f.context,
		len(corpus.Split.Val), corpus.Vocab.Size(), f.batch)
	tr.Log = log
	if f.valEvery > 0 && corpus.Val != nil {
		val := firstSequences(corpus.Val, 64)
		tr.Hooks = append(tr.Hooks, train.Hook{Every: f.valEvery, Do: func(step int) error {
			bits, se, err := text.BitsPerChar(ctx, m, val, 1, 16, 0)
			if err != nil {
				return err
			}
			fmt.Fprintf(log, "step %d validation %.4f ± %.4f bits/char (%d sequences, raw weights)\n", step, bits, se, val.Len())
			return nil
		}})
	}
	r := taskRun{tr: tr, dir: f.out, meta: meta, keep: f.keep, curveTitle: "training loss (nats per token)"}
	return r.run(ctx, f.minutes, f.checkpointEvery, log)
}

// sameArchitecture reports, as a usage error naming the flag, a
// difference between the model the flags describe and the one a
// checkpoint holds, so that a resumed run never silently changes its
// network.
func sameArchitecture(file string, have, want text.ModelConfig) error {
	switch {
	case have.Objective != want.Objective:
		return usagef("--resume %s: the checkpoint is an %s model, --objective asks for %s", file, have.Objective, want.Objective)
	case have.Context != want.Context:
		return usagef("--resume %s: the checkpoint has context %d, --context asks for %d", file, have.Context, want.Context)
	case have.Net.Rotary != want.Net.Rotary:
		return usagef("--resume %s: the checkpoint has %s positions, --positions asks for %s", file, positionsName(have.Net.Rotary), positionsName(want.Net.Rotary))
	case have.Net != want.Net:
		return usagef("--resume %s: the checkpoint's network (d %d, %d layers, %d heads) differs from --preset's (d %d, %d layers, %d heads)",
			file, have.Net.D, have.Net.Layers, have.Net.Heads, want.Net.D, want.Net.Layers, want.Net.Heads)
	}
	return nil
}

// positionsName is the --positions value for a network's Rotary field.
func positionsName(rotary bool) string {
	if rotary {
		return "rotary"
	}
	return "learned"
}

// paramCount is the number of weights of m's network.
func paramCount(m *text.Model) int {
	n := 0
	for _, p := range m.Net.Params() {
		n += p.V.Value.Len()
	}
	return n
}

// firstSequences is at most n sequences of s (a view).
func firstSequences(s *text.Sequences, n int) *text.Sequences {
	n = min(n, s.Len())
	return &text.Sequences{L: s.L, Tokens: s.Tokens[:n*s.L]}
}

func newTextExportCmd() *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:     "export",
		Short:   "Write a sampling-only copy of a text checkpoint (EMA weights only)",
		Example: `  diffuse text export --checkpoint runs/fortunes --out fortunes.safetensors`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" || to == "" {
				return usagef("text export: want --checkpoint and --out")
			}
			path, err := jobs.NewestCheckpoint(from)
			if err != nil {
				return err
			}
			if err := text.Export(path, to); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s from %s\n", to, path)
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "checkpoint", "", "checkpoint file or run folder (its newest checkpoint)")
	cmd.Flags().StringVar(&to, "out", "", "file to write")
	return cmd
}
