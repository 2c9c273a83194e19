// Command mkpriortable measures denoising with a waveform generation model
// used as the unconditional prior (diffwave.PriorMethod) against the
// noisy input and the baselines of package enhance, on held-out voices of
// the spoken-digit data set with white noise at 0, 5 and 10 dB, and prints
// the Markdown tables of audio/enhance (SI-SDR improvement, segmental SNR,
// log-spectral distance, ± standard errors). One row uses the true noise
// level, one the level estimated from the quietest frames.
//
//	go run ./audio/internal/mkpriortable -data out/digits -ckpt out/runs/gen -n 20 -samples 4
//
// The clips and their noise come from enhance.DigitCases (the same n and
// seed give the clips of the other denoising tables).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/diffusego/diffusego/audio/diffwave"
	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/enhance"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/internal/cputime"
	"github.com/diffusego/diffusego/jobs"
)

type options struct {
	data, ckpt, sampler string
	n, steps, samples   int
	seed, sampleSeed    uint64
	raw, noBaselines    bool
}

func main() {
	var o options
	flag.StringVar(&o.data, "data", "out/digits", "data set directory (with manifest.csv)")
	flag.StringVar(&o.ckpt, "ckpt", "", "the generation model: a checkpoint or a run folder (its newest checkpoint)")
	flag.IntVar(&o.n, "n", 20, "test clips")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the clip choice and the noise")
	flag.StringVar(&o.sampler, "sampler", "ddpm", "sampler: "+strings.Join(sampler.Names(), ", "))
	flag.IntVar(&o.steps, "steps", 50, "sampling steps from the noise level")
	flag.IntVar(&o.samples, "samples", 4, "posterior draws averaged")
	flag.Uint64Var(&o.sampleSeed, "sample-seed", 1, "sampling seed")
	flag.BoolVar(&o.raw, "raw", false, "use the raw weights instead of the EMA")
	flag.BoolVar(&o.noBaselines, "no-baselines", false, "only the noisy input and the prior rows")
	flag.Parse()
	if err := run(os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "mkpriortable:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, o options) error {
	if o.ckpt == "" {
		return fmt.Errorf("-ckpt is required")
	}
	file, err := jobs.NewestCheckpoint(o.ckpt)
	if err != nil {
		return err
	}
	m, _, err := diffwave.Load(file, !o.raw)
	if err != nil {
		return err
	}
	if m.Config.Task != diffwave.TaskGenerate {
		return fmt.Errorf("%s: a %q model: the prior must be a generation model", file, m.Config.Task)
	}
	spec := sampler.Spec{Name: o.sampler, Steps: o.steps}
	if _, err := spec.Build(); err != nil {
		return fmt.Errorf("-sampler: %w", err)
	}
	if o.samples < 1 {
		return fmt.Errorf("-samples: want ≥ 1, got %d", o.samples)
	}
	cases, err := enhance.DigitCases(o.data, o.n, o.seed)
	if err != nil {
		return err
	}
	entries := enhance.Baselines()
	if o.noBaselines {
		entries = entries[:1]
	}
	opts := diffwave.Options{Sampler: spec, Seed: o.sampleSeed}
	p := diffwave.PriorMethod{Model: m, Samples: o.samples, Options: opts}
	entries = append(entries,
		enhance.Entry{Name: p.Name() + ", noise level estimated", Method: p},
		enhance.Entry{Name: p.Name() + ", true noise level", Method: p, TrueNoise: true})
	start, cpu0 := time.Now(), cputime.Seconds()
	table, err := enhance.Evaluate(cases, digits.Rate, []string{enhance.White}, []float64{0, 5, 10}, entries)
	if err != nil {
		return err
	}
	voices := map[string]bool{}
	for _, c := range cases {
		voices[c.Voice] = true
	}
	fmt.Fprintf(w, "%d test clips (%d held-out voices), seed %d; prior %s; mean over clips, ± the standard error of the mean.\n\n",
		o.n, len(voices), o.seed, file)
	table.Markdown(w)
	fmt.Fprintf(w, "\n(evaluation: %.0f s wall, %.0f s CPU of this process)\n", time.Since(start).Seconds(), cputime.Seconds()-cpu0)
	return nil
}
