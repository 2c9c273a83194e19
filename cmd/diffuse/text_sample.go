package main

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/diffusego/diffusego/jobs"
	"io"
	"time"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/models/shipped"
	"github.com/diffusego/diffusego/text"
	"github.com/spf13/cobra"
)

// loadTextModel reads the text model at path (a checkpoint or a run
// folder's newest), or the shipped one when path is empty; raw picks the
// raw weights instead of the EMA.
func loadTextModel(path string, raw bool) (*text.Model, string, error) {
	if path == "" {
		m, err := text.LoadBytes(shipped.Fortunes(), "shipped:"+shipped.FortunesName, !raw)
		return m, "shipped:" + shipped.FortunesName, err
	}
	file, err := jobs.NewestCheckpoint(path)
	if err != nil {
		return nil, "", err
	}
	m, err := text.Load(file, !raw)
	return m, file, err
}

// textSampleFlags are the settings of diffuse text sample.
type textSampleFlags struct {
	model, out, format string
	raw                bool
	req                text.Request
}

func newTextSampleCmd() *cobra.Command {
	var f textSampleFlags
	cmd := &cobra.Command{
		Use:   "sample",
		Short: "Generate, complete or infill text with a trained text model",
		Long: `sample draws texts from a text model (the shipped fortunes model without
--model). An MDLM model unmasks a window of characters in --steps steps:
unconditionally, after a --prompt held fixed, or filling the gaps of an
--infill template (every occurrence of --gap is a gap of as many characters
as the marker has, or --gap-length). Every given character comes back byte
for byte. --length generates past the model's context in semi-autoregressive
blocks. An autoregressive model samples one character at a time.

Output (stdout, or --out FILE written atomically): --format lines puts one
text per line with newlines written as \n and backslashes as \\; --format
jsonl writes one JSON object per text with its settings.`,
		Example: `  diffuse text sample --n 5
  diffuse text sample --model runs/fortunes --n 10 --steps 256 --seed 7 --top-p 0.9
  diffuse text sample --prompt "A fool and " --n 3
  diffuse text sample --infill "The ____ fox jumps over the lazy dog." --gap ____ --n 3
  diffuse text sample --n 4 --length 600 --format jsonl`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.format != "lines" && f.format != "jsonl" {
				return usagef("text sample: --format %q: want lines or jsonl", f.format)
			}
			if f.req.N < 1 || f.req.Steps < 1 {
				return usagef("text sample: want --n ≥ 1 and --steps ≥ 1")
			}
			if f.req.Infill == "" && cmd.Flags().Changed("gap") {
				return usagef("text sample: --gap needs --infill")
			}
			m, source, err := loadTextModel(f.model, f.raw)
			if err != nil {
				return err
			}
			start := time.Now()
			var texts []string
			var chars int
			if m.Config.Objective == text.Autoregressive {
				if f.req.Prompt != "" || f.req.Infill != "" || f.req.Length != 0 {
					return usagef("text sample: --prompt, --infill and --length need an MDLM model; %s is autoregressive", source)
				}
				if texts, err = text.SampleAutoregressive(cmd.Context(), m, f.req.N, f.req.Seed, f.req.Temperature, f.req.Batch); err != nil {
					return err
				}
			} else {
				progress := func(batch, step, steps int) {
					if step == steps || step%max(1, steps/4) == 0 {
						fmt.Fprintf(cmd.ErrOrStderr(), "batch %d: step %d/%d\n", batch+1, step, steps)
					}
				}
				gen, err := text.Generate(cmd.Context(), m, f.req, progress)
				if err != nil {
					return usageIfRequest(err)
				}
				texts, chars = gen.Texts, gen.Chars
			}
			var buf bytes.Buffer
			if err := text.WriteTexts(&buf, texts, f.format, f.req, source); err != nil {
				return err
			}
			if f.out == "" {
				_, err = cmd.OutOrStdout().Write(buf.Bytes())
			} else {
				err = checkpoint.WriteAtomic(f.out, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
			}
			if err != nil {
				return err
			}
			secs := time.Since(start).Seconds()
			fmt.Fprintf(cmd.ErrOrStderr(), "%d texts in %.1f s (%d characters generated, %.0f characters/s) from %s\n",
				len(texts), secs, chars, float64(chars)/secs, source)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.model, "model", "", "text checkpoint or run folder (default: the shipped fortunes model)")
	fl.BoolVar(&f.raw, "raw", false, "use the raw weights instead of the EMA")
	fl.IntVar(&f.req.N, "n", 10, "texts to generate")
	fl.IntVar(&f.req.Steps, "steps", 128, "denoising steps per window")
	fl.Uint64Var(&f.req.Seed, "seed", 1, "random seed")
	fl.Float64Var(&f.req.Temperature, "temperature", 1, "sampling temperature")
	fl.Float64Var(&f.req.TopP, "top-p", 1, "nucleus sampling: keep the likeliest tokens up to this probability (1 = all)")
	fl.StringVar(&f.req.Prompt, "prompt", "", "text held fixed at the start (completion)")
	fl.IntVar(&f.req.Length, "length", 0, "most characters to generate after the prompt (0 = fill the context)")
	fl.StringVar(&f.req.Infill, "infill", "", "template whose --gap markers are filled")
	fl.StringVar(&f.req.Gap, "gap", "____", "gap marker in --infill")
	fl.IntVar(&f.req.GapLength, "gap-length", 0, "characters per gap (0 = the marker's length)")
	fl.IntVar(&f.req.Batch, "batch", 16, "sequences per network batch")
	fl.StringVar(&f.out, "out", "", "file to write (default: stdout)")
	fl.StringVar(&f.format, "format", "lines", "lines or jsonl")
	return cmd
}

// usageIfRequest turns errors about the request's own arguments
// (*text.RequestError) into usage errors.
func usageIfRequest(err error) error {
	var re *text.RequestError
	if errors.As(err, &re) {
		return &usageError{err}
	}
	return err
}
