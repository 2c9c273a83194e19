// Command mkenhtable measures the spectrogram enhancer of package specenh
// against every denoising baseline of package enhance on held-out voices
// of the spoken-digit data set, and prints the Markdown tables of
// docs/audio.md (must-show 2): for white and babble noise at 0, 5 and
// 10 dB, the mean SI-SDR improvement, segmental SNR and log-spectral
// distance ± standard errors of the noisy input, each baseline (rerun on
// the same clips) and the enhancer with each number of averaged posterior
// samples.
//
//	go run ./audio/internal/mkenhtable -data out/digits -ckpt out/runs/enh -n 200 -samples 1,4 -png docs/img/audio-enhance.png
//
// The clips and their noise come from enhance.DigitCases (the same n and
// seed give the clips of the baseline table), the scores from
// enhance.Evaluate.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/dsp"
	"github.com/diffusego/diffusego/audio/enhance"
	"github.com/diffusego/diffusego/audio/noise"
	"github.com/diffusego/diffusego/audio/specenh"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/internal/cputime"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/jobs"
)

// options are the command's flags.
type options struct {
	data, ckpt, sampler, samples, png string
	n, steps                          int
	seed, sampleSeed                  uint64
	raw, noBaselines                  bool
}

func main() {
	var o options
	flag.StringVar(&o.data, "data", "out/digits", "data set directory (with manifest.csv)")
	flag.StringVar(&o.ckpt, "ckpt", "", "the enhancer: a checkpoint or a run folder (its newest checkpoint)")
	flag.IntVar(&o.n, "n", 200, "test clips")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the clip choice, the noise and the babble talkers")
	flag.StringVar(&o.sampler, "sampler", "ddim", "sampler of the enhancer: "+strings.Join(sampler.Names(), ", "))
	flag.IntVar(&o.steps, "steps", 4, "sampling steps")
	flag.StringVar(&o.samples, "samples", "1", "comma-separated numbers of posterior samples averaged, one row each")
	flag.Uint64Var(&o.sampleSeed, "sample-seed", 1, "sampling seed of the enhancer")
	flag.BoolVar(&o.raw, "raw", false, "use the raw weights instead of the EMA")
	flag.BoolVar(&o.noBaselines, "no-baselines", false, "only the noisy input and the enhancer (for quick checks)")
	flag.StringVar(&o.png, "png", "", "also write spectrograms of one clip (white at 0 dB and babble at 5 dB) to this PNG")
	flag.Parse()
	if err := run(os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "mkenhtable:", err)
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
	e, err := specenh.Load(file, !o.raw)
	if err != nil {
		return err
	}
	spec := sampler.Spec{Name: o.sampler, Steps: o.steps, Temperature: 1}
	if _, err := spec.Build(); err != nil {
		return fmt.Errorf("-sampler: %w", err)
	}
	var ks []int
	for _, f := range strings.Split(o.samples, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 {
			return fmt.Errorf("-samples: %q: want comma-separated counts ≥ 1", o.samples)
		}
		ks = append(ks, k)
	}
	cases, err := enhance.DigitCases(o.data, o.n, o.seed)
	if err != nil {
		return err
	}
	entries := enhance.Baselines()
	if o.noBaselines {
		entries = entries[:1]
	}
	var ours []enhance.Entry
	for _, k := range ks {
		m := specenh.Method{Enhancer: e, Options: specenh.Options{Sampler: spec, Samples: k, Seed: o.sampleSeed}}
		ours = append(ours, enhance.Entry{Name: m.Name(), Method: m})
	}
	entries = append(entries, ours...)
	start, cpu0 := time.Now(), cputime.Seconds()
	table, err := enhance.Evaluate(cases, digits.Rate, []string{enhance.White, enhance.Babble}, []float64{0, 5, 10}, entries)
	if err != nil {
		return err
	}
	voices := map[string]bool{}
	for _, c := range cases {
		voices[c.Voice] = true
	}
	fmt.Fprintf(w, "%d test clips (%d held-out voices), seed %d; enhancer %s; mean over clips, ± the standard error of the mean.\n\n",
		o.n, len(voices), o.seed, file)
	table.Markdown(w)
	fmt.Fprintf(w, "\n(evaluation: %.0f s wall, %.0f s CPU of this process)\n", time.Since(start).Seconds(), cputime.Seconds()-cpu0)
	if o.png != "" {
		return writePNG(o.png, cases[0], o.seed, entries[len(entries)-len(ours)], entries)
	}
	return nil
}

// writePNG draws one case as spectrograms, white noise at 0 dB in the
// first row and babble at 5 dB in the second: clean, noisy, the Wiener
// filter given the true noise PSD (when in entries) and the enhancer.
func writePNG(path string, c enhance.Case, seed uint64, ours enhance.Entry, entries []enhance.Entry) error {
	stft, err := dsp.NewSTFT(256, 64)
	if err != nil {
		return err
	}
	var wiener *enhance.Entry
	for i := range entries {
		if strings.HasPrefix(entries[i].Name, "Wiener") && entries[i].TrueNoise {
			wiener = &entries[i]
		}
	}
	var cells []dsp.Labelled
	for _, cond := range []struct {
		kind string
		snr  float64
	}{{enhance.White, 0}, {enhance.Babble, 5}} {
		noisy, scaled, err := noise.Mix(c.Clean, c.Noise[cond.kind], cond.snr)
		if err != nil {
			return err
		}
		tag := fmt.Sprintf("%s %g dB", cond.kind, cond.snr)
		cells = append(cells, dsp.Labelled{Label: "clean", Power: dsp.Power(stft.Forward(c.Clean))},
			dsp.Labelled{Label: "noisy, " + tag, Power: dsp.Power(stft.Forward(noisy))})
		if wiener != nil {
			est, err := wiener.Method.Denoise(noisy, digits.Rate, scaled)
			if err != nil {
				return err
			}
			cells = append(cells, dsp.Labelled{Label: "Wiener, true PSD", Power: dsp.Power(stft.Forward(est))})
		}
		est, err := ours.Method.Denoise(noisy, digits.Rate, nil)
		if err != nil {
			return err
		}
		cells = append(cells, dsp.Labelled{Label: "diffusego enhancer", Power: dsp.Power(stft.Forward(est))})
	}
	cols := 3
	if wiener != nil {
		cols = 4
	}
	img, err := dsp.SpectrogramGrid(cells, cols, 80)
	if err != nil {
		return err
	}
	return pngout.WriteFile(path, img, map[string]string{
		"command": "go run ./audio/internal/mkenhtable", "seed": fmt.Sprint(seed), "enhancer": ours.Name,
		"stft": "256-point Hann, hop 64, 8 kHz", "range_db": "80",
	})
}
