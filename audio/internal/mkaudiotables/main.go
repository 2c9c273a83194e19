// Command mkaudiotables measures the tables of docs/audio.md for trained
// audio diffusion models (bench/audio_tables.sh runs it):
//
//   - generation: class accuracy and Fréchet distance (in the shipped digit
//     classifier's features) of guided samples, against the real-vs-real
//     floor and a class-mean-spectrogram baseline (each digit's mean
//     training magnitude spectrogram, inverted by Griffin–Lim from random
//     phases);
//   - sampling cost: network evaluations per clip and the measured
//     real-time factor of each sampler at its usual step count;
//   - denoising: SI-SDR improvement, segmental SNR and LSD of the
//     denoiser beside every baseline of audio/enhance on held-out voices.
//
// It also draws docs/img/audio-samples.png and docs/img/audio-denoise-diffwave.png.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/diffusego/diffusego/audio/classifier"
	"github.com/diffusego/diffusego/audio/diffwave"
	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/dsp"
	"github.com/diffusego/diffusego/audio/enhance"
	"github.com/diffusego/diffusego/audio/noise"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/internal/cputime"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/tensor"
)

func main() {
	data := flag.String("data", "out/digits1", "spoken-digit data set")
	gen := flag.String("gen", "", "generation checkpoint (empty skips the generation tables)")
	den := flag.String("den", "", "denoising checkpoint (empty skips the denoising table)")
	perDigit := flag.Int("per-digit", 10, "guided samples per digit")
	guidance := flag.String("guidance", "1,3", "guidance weights to score")
	samplerName := flag.String("sampler", "dpmpp2m", "sampler of the generation table")
	rtfClips := flag.Int("rtf-clips", 2, "clips per sampler for the real-time factor (0 skips it)")
	rtfSamplers := flag.String("rtf-samplers", strings.Join(sampler.Names(), ","), "samplers timed")
	cases := flag.Int("cases", 100, "test clips of the denoising table")
	denSteps := flag.Int("den-steps", 0, "denoiser sampler steps (0: usual)")
	denSampler := flag.String("den-sampler", "dpmpp2m", "denoiser sampler")
	denSamples := flag.Int("den-samples", 1, "posterior samples averaged by the denoiser")
	seed := flag.Uint64("seed", 1, "seed")
	img := flag.String("img", "docs/img", "folder for the PNGs")
	flag.Parse()
	if err := run(os.Stdout, *data, *gen, *den, *perDigit, *guidance, *samplerName, *rtfClips, *rtfSamplers,
		*cases, *denSampler, *denSteps, *denSamples, *seed, *img); err != nil {
		fmt.Fprintln(os.Stderr, "mkaudiotables:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, data, gen, den string, perDigit int, guidance, samplerName string, rtfClips int, rtfSamplers string,
	cases int, denSampler string, denSteps, denSamples int, seed uint64, img string) error {
	ctx := context.Background()
	fmt.Fprintf(w, "<!-- mkaudiotables: %s, GOMAXPROCS %d, load average %s at start -->\n\n", time.Now().UTC().Format(time.RFC3339), runtime.GOMAXPROCS(0), cputime.LoadAverage())
	if gen != "" {
		if err := generation(ctx, w, data, gen, perDigit, guidance, samplerName, rtfClips, rtfSamplers, seed, img); err != nil {
			return err
		}
	}
	if den != "" {
		if err := denoising(w, data, den, cases, denSampler, denSteps, denSamples, seed, img); err != nil {
			return err
		}
	}
	return nil
}

func generation(ctx context.Context, w io.Writer, data, gen string, perDigit int, guidance, samplerName string,
	rtfClips int, rtfSamplers string, seed uint64, img string) error {
	gen, err := jobs.NewestCheckpoint(gen)
	if err != nil {
		return err
	}
	m, _, err := diffwave.Load(gen, true)
	if err != nil {
		return err
	}
	c, err := classifier.Load()
	if err != nil {
		return err
	}
	n := 10 * perDigit
	ref, _, _, err := digits.Load(data, digits.Test, 0)
	if err != nil {
		return err
	}
	floor, _, _, err := digits.Load(data, digits.Validation, 0)
	if err != nil {
		return err
	}
	ref, floor = firstN(ref, n), firstN(floor, n)
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i % 10
	}
	fmt.Fprintf(w, "**Generation** (%s; %d clips, %d per digit; FD against %d test-voice clips; floor: %d validation-voice clips against the same test clips)\n\n",
		gen, n, perDigit, ref.Dim(0), floor.Dim(0))
	fmt.Fprintln(w, "| samples | class accuracy | FD | floor FD |\n| --- | ---: | ---: | ---: |")
	testLabels := labelsOf(data, digits.Test, n)
	s, err := c.Score(ref, testLabels, ref, floor)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "| real test clips (the reference itself) | %.3f | — | %.2f |\n", s.Accuracy, s.FloorFD)
	base, err := classMean(data, labels, seed)
	if err != nil {
		return err
	}
	if s, err = c.Score(base, labels, ref, floor); err != nil {
		return err
	}
	fmt.Fprintf(w, "| class-mean spectrogram + Griffin–Lim | %.3f | %.2f | %.2f |\n", s.Accuracy, s.FD, s.FloorFD)
	spec := sampler.Spec{Name: samplerName}
	var shown *tensor.Tensor
	for _, gs := range strings.Split(guidance, ",") {
		var g float64
		if _, err := fmt.Sscan(gs, &g); err != nil {
			return fmt.Errorf("guidance %q: %w", gs, err)
		}
		start := time.Now()
		x, err := diffwave.Generate(ctx, m, labels, diffwave.Options{Sampler: spec, Guidance: g, Seed: seed})
		if err != nil {
			return err
		}
		if s, err = c.Score(x, labels, ref, floor); err != nil {
			return err
		}
		fmt.Fprintf(w, "| diffusego DiffWave, %s %d steps, guidance %g | %.3f | %.2f | %.2f |\n", samplerName,
			spec.StepCount(m.Config.Steps), g, s.Accuracy, s.FD, s.FloorFD)
		fmt.Fprintf(os.Stderr, "guidance %g: %v\n", g, time.Since(start))
		shown = x
	}
	fmt.Fprintln(w)
	if err := samplesPNG(img+"/audio-samples.png", shown, base, ref, labels, testLabels); err != nil {
		return err
	}
	if rtfClips > 0 {
		fmt.Fprintf(w, "**Sampling cost** (%d clips of 1 s per sampler, guidance 3, batch of %d; NFE = network evaluations per clip, each on 2 items for guidance; RTF = seconds of audio per second of CPU time of this process, GOMAXPROCS %d, load average %s at start of this table)\n\n",
			rtfClips, rtfClips, runtime.GOMAXPROCS(0), cputime.LoadAverage())
		fmt.Fprintln(w, "| sampler | steps | NFE per clip | CPU s | wall s | RTF (audio s / CPU s) |\n| --- | ---: | ---: | ---: | ---: | ---: |")
		for _, name := range strings.Split(rtfSamplers, ",") {
			sp := sampler.Spec{Name: name}
			calls := 0
			lab := make([]int, rtfClips)
			for i := range lab {
				lab[i] = i % 10
			}
			c0, t0 := cputime.Seconds(), time.Now()
			if _, err := diffwave.Generate(ctx, m, lab, diffwave.Options{Sampler: sp, Guidance: 3, Seed: seed, Calls: &calls}); err != nil {
				return err
			}
			cpu, wall := cputime.Seconds()-c0, time.Since(t0).Seconds()
			audioSec := float64(rtfClips*m.Config.Samples) / float64(m.Config.Rate)
			fmt.Fprintf(w, "| %s | %d | %d | %.1f | %.1f | %.4f |\n", name, sp.StepCount(m.Config.Steps), calls, cpu, wall, audioSec/cpu)
		}
		fmt.Fprintln(w)
	}
	return nil
}

func firstN(x *tensor.Tensor, n int) *tensor.Tensor {
	n = min(n, x.Dim(0))
	per := x.Len() / x.Dim(0)
	return tensor.FromData(x.Data[:n*per], n, x.Dim(1), x.Dim(2))
}

func labelsOf(data, split string, n int) []int {
	_, y, _, err := digits.Load(data, split, n)
	if err != nil {
		return nil
	}
	return y
}

// classMean returns one clip per label made from the label's mean training
// magnitude spectrogram (256-point STFT, hop 64) by 32 Griffin–Lim
// iterations from random phases (each clip its own phases).
func classMean(data string, labels []int, seed uint64) (*tensor.Tensor, error) {
	x, y, _, err := digits.Load(data, digits.Train, 0)
	if err != nil {
		return nil, err
	}
	diffwave.Normalize(x)
	stft, _ := dsp.NewSTFT(256, 64)
	L := digits.Samples
	var mean [10][][]float64
	var count [10]int
	sig := make([]float64, L)
	for i := range x.Dim(0) {
		for j, v := range x.Data[i*L : (i+1)*L] {
			sig[j] = float64(v)
		}
		mag := dsp.Magnitude(stft.Forward(sig))
		d := y[i]
		if mean[d] == nil {
			mean[d] = make([][]float64, len(mag))
			for t := range mag {
				mean[d][t] = make([]float64, len(mag[t]))
			}
		}
		for t := range mag {
			for k, v := range mag[t] {
				mean[d][t][k] += v
			}
		}
		count[d]++
	}
	out := tensor.New(len(labels), 1, L)
	rng := tensor.NewRNG(seed).Split(99)
	for i, d := range labels {
		if count[d] == 0 {
			return nil, fmt.Errorf("%s: no training clips of digit %d", data, d)
		}
		mag := make([][]float64, len(mean[d]))
		for t := range mag {
			mag[t] = make([]float64, len(mean[d][t]))
			for k, v := range mean[d][t] {
				mag[t][k] = v / float64(count[d])
			}
		}
		z, _, err := dsp.GriffinLim(stft, mag, L, 32, rng.Split(uint64(i)))
		if err != nil {
			return nil, err
		}
		for j, v := range z {
			out.Data[i*L+j] = float32(v)
		}
	}
	return out, nil
}

func samplesPNG(path string, gen, base, real *tensor.Tensor, labels, realLabels []int) error {
	L := digits.Samples
	var clips [][]float32
	var names []string
	for d := range 10 {
		for i, c := range labels {
			if c == d {
				clips = append(clips, gen.Data[i*L:(i+1)*L])
				names = append(names, "diffwave "+digits.Words[d])
				break
			}
		}
	}
	for d := range 10 {
		for i, c := range labels {
			if c == d {
				clips = append(clips, base.Data[i*L:(i+1)*L])
				names = append(names, "class mean "+digits.Words[d])
				break
			}
		}
	}
	for d := range 10 {
		for i, c := range realLabels {
			if c == d {
				clips = append(clips, real.Data[i*L:(i+1)*L])
				names = append(names, "real "+digits.Words[d])
				break
			}
		}
	}
	return diffwave.SpectrogramPNG(path, clips, names, 10, map[string]string{"command": "bench/audio_tables.sh",
		"rows": "diffwave samples (guided), class-mean baseline, real test clips", "stft": "256-point Hann, hop 64, 8 kHz", "range_db": "80"})
}

func denoising(w io.Writer, data, den string, n int, samplerName string, steps, samples int, seed uint64, img string) error {
	den, err := jobs.NewestCheckpoint(den)
	if err != nil {
		return err
	}
	m, _, err := diffwave.Load(den, true)
	if err != nil {
		return err
	}
	cs, err := enhance.DigitCases(data, n, seed)
	if err != nil {
		return err
	}
	method := diffwave.Method{Model: m, Samples: samples, Options: diffwave.Options{Sampler: sampler.Spec{Name: samplerName, Steps: steps}, Seed: seed}}
	entries := append(enhance.Baselines(), enhance.Entry{Name: method.Name(), Method: method})
	start := time.Now()
	t, err := enhance.Evaluate(cs, digits.Rate, []string{enhance.White, enhance.Babble}, []float64{0, 5, 10}, entries)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "denoising table: %v\n", time.Since(start))
	fmt.Fprintf(w, "**Denoising** (%s; %d test clips of the held-out voices, seed %d)\n\n", den, n, seed)
	t.Markdown(w)
	fmt.Fprintln(w)
	// One clip: clean, noisy (babble 5 dB), Wiener (true PSD), diffusego.
	c := cs[0]
	noisy, scaled, err := noise.Mix(c.Clean, c.Noise[enhance.Babble], 5)
	if err != nil {
		return err
	}
	wf, err := enhance.Wiener{}.Denoise(noisy, digits.Rate, scaled)
	if err != nil {
		return err
	}
	dw, err := method.Denoise(noisy, digits.Rate, nil)
	if err != nil {
		return err
	}
	f32 := func(x []float64) []float32 {
		y := make([]float32, len(x))
		for i, v := range x {
			y[i] = float32(v)
		}
		return y
	}
	return diffwave.SpectrogramPNG(img+"/audio-denoise-diffwave.png", [][]float32{f32(c.Clean), f32(noisy), f32(wf), f32(dw)},
		[]string{"clean", "babble 5 dB", "Wiener (true PSD)", "diffusego"}, 4,
		map[string]string{"command": "bench/audio_tables.sh", "noise": "babble", "snr_db": "5", "stft": "256-point Hann, hop 64, 8 kHz", "range_db": "80"})
}
