// Command mkmeltable measures the mel route of docs/audio.md for a model
// trained with diffuse audio train --task mel (bench/audio_mel_table.sh
// runs it):
//
//   - generation: class accuracy and Fréchet distance (in the shipped digit
//     classifier's features) of guided samples on the held-out voices,
//     against the real-vs-real floor, the vocoder's ceiling (real test
//     clips through mel → Griffin–Lim) and the class-mean baseline (each
//     digit's mean training mel power, vocoded the same way);
//   - sampling cost: network evaluations per clip and the measured
//     real-time factor of each sampler at its usual step count, with the
//     vocoder's share.
//
// It also draws docs/img/audio-mel-samples.png and writes one guided
// sample per digit as WAV.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/diffusego/diffusego/audio/classifier"
	"github.com/diffusego/diffusego/audio/diffwave"
	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/melgen"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/internal/cputime"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/tensor"
)

func main() {
	data := flag.String("data", "out/digits1", "spoken-digit data set")
	mel := flag.String("mel", "out/runs/mel", "mel checkpoint or run folder (its newest checkpoint)")
	perDigit := flag.Int("per-digit", 20, "guided samples per digit (the issue asks 100)")
	guidance := flag.String("guidance", "1,3", "guidance weights to score")
	samplerName := flag.String("sampler", "dpmpp2m", "sampler of the generation table")
	steps := flag.Int("steps", 0, "steps of that sampler (0: its usual count)")
	rtfSamplers := flag.String("rtf-samplers", "ddim,dpmpp2m,euler,heun,ddpm,vp-pc", "samplers timed for the real-time factor (empty skips it)")
	seed := flag.Uint64("seed", 1, "seed")
	img := flag.String("img", "docs/img/audio-mel-samples.png", "spectrogram PNG of samples, baseline and real clips")
	wavs := flag.String("wavs", "", "folder for one guided sample per digit (empty: none)")
	baselines := flag.Bool("baselines", true, "score the real clips, the vocoder's ceiling and the class-mean baseline (false: only the model's rows, for a table made in parts)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *data, *mel, *perDigit, *guidance, *samplerName, *steps, *rtfSamplers, *seed, *img, *wavs, *baselines); err != nil {
		fmt.Fprintln(os.Stderr, "mkmeltable:", err)
		os.Exit(1)
	}
}

func firstN(x *tensor.Tensor, n int) *tensor.Tensor {
	n = min(n, x.Dim(0))
	per := x.Len() / x.Dim(0)
	return tensor.FromData(x.Data[:n*per], append([]int{n}, x.Shape[1:]...)...)
}

func run(ctx context.Context, w io.Writer, data, mel string, perDigit int, guidance, samplerName string, steps int,
	rtfSamplers string, seed uint64, img, wavs string, baselines bool) error {
	path, err := jobs.NewestCheckpoint(mel)
	if err != nil {
		return err
	}
	g, err := melgen.Load(path, true)
	if err != nil {
		return err
	}
	c, err := classifier.Load()
	if err != nil {
		return err
	}
	n := 10 * perDigit
	ref, refLabels, _, err := digits.Load(data, digits.Test, n)
	if err != nil {
		return err
	}
	floor, _, _, err := digits.Load(data, digits.Validation, n)
	if err != nil {
		return err
	}
	if ref.Dim(0) < n || floor.Dim(0) < n {
		return fmt.Errorf("%s: %d test and %d validation clips, want %d of each", data, ref.Dim(0), floor.Dim(0), n)
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i % 10
	}
	fmt.Fprintf(w, "**Generation by the mel route** (%s; %d clips, %d per digit; FD against %d test-voice clips; floor: %d validation-voice clips against the same test clips; load average %s at start)\n\n",
		path, n, perDigit, n, n, cputime.LoadAverage())
	fmt.Fprintln(w, "| samples | class accuracy | FD | floor FD |\n| --- | ---: | ---: | ---: |")
	codec := g.Codec
	var base *tensor.Tensor
	if baselines {
		s, err := c.Score(ref, refLabels, ref, floor)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "| real test clips (the reference itself) | %.3f | — | %.2f |\n", s.Accuracy, s.FloorFD)

		// The vocoder's ceiling: real test clips → mel image → Griffin–Lim.
		// FD is against the same test clips, so the floor (other real clips)
		// is what it would be with a perfect vocoder and other speakers.
		ri, err := codec.Images(ref)
		if err != nil {
			return err
		}
		voc, err := codec.Vocode(ri, tensor.NewRNG(seed).Split(7))
		if err != nil {
			return err
		}
		if s, err = c.Score(voc, refLabels, ref, floor); err != nil {
			return err
		}
		fmt.Fprintf(w, "| vocoder ceiling: the same test clips → mel → Griffin–Lim (%d iterations) | %.3f | %.2f | %.2f |\n",
			codec.Spec.GLIters, s.Accuracy, s.FD, s.FloorFD)

		if base, err = classMean(data, codec, labels, seed); err != nil {
			return err
		}
		if s, err = c.Score(base, labels, ref, floor); err != nil {
			return err
		}
		fmt.Fprintf(w, "| class-mean mel spectrogram + the same vocoder | %.3f | %.2f | %.2f |\n", s.Accuracy, s.FD, s.FloorFD)
	}

	spec := sampler.Spec{Name: samplerName, Steps: steps}
	var shown *tensor.Tensor
	for _, gs := range strings.Split(guidance, ",") {
		if gs == "" {
			continue // -guidance "": no generation rows
		}
		var gw float64
		if _, err := fmt.Sscan(gs, &gw); err != nil {
			return fmt.Errorf("guidance %q: %w", gs, err)
		}
		start := time.Now()
		x, _, err := g.Generate(ctx, labels, melgen.Options{Sampler: spec, Guidance: gw, Seed: seed})
		if err != nil {
			return err
		}
		s, err := c.Score(x, labels, ref, floor)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "| diffusego mel U-Net + Griffin–Lim, %s %d steps, guidance %g | %.3f | %.2f | %.2f |\n", samplerName,
			spec.StepCount(g.Pipe.Model.Schedule.Steps), gw, s.Accuracy, s.FD, s.FloorFD)
		fmt.Fprintf(os.Stderr, "guidance %g: %v wall\n", gw, time.Since(start).Round(time.Second))
		shown = x
	}
	fmt.Fprintln(w)
	if img != "" && shown != nil {
		if base == nil {
			// The PNG's middle row: the class-mean baseline of the ten digits.
			if base, err = classMean(data, codec, labels[:10], seed); err != nil {
				return err
			}
		}
		if err := samplesPNG(img, shown, base, ref, labels, refLabels); err != nil {
			return err
		}
	}
	if wavs != "" && shown != nil {
		if err := os.MkdirAll(wavs, 0o755); err != nil {
			return err
		}
		for d := range 10 {
			row := shown.Data[d*digits.Samples : (d+1)*digits.Samples]
			name := filepath.Join(wavs, fmt.Sprintf("%06d_c%d.wav", d, d))
			if err := diffwave.WriteClip(name, row, digits.Rate, map[string]string{"model": "mel", "checkpoint": filepath.Base(path),
				"sampler": samplerName, "class": fmt.Sprint(d), "seed": fmt.Sprint(seed)}); err != nil {
				return err
			}
		}
	}
	if rtfSamplers == "" {
		return nil
	}
	fmt.Fprintf(w, "**Sampling cost of the mel route** (1 clip of 1 s per sampler, guidance 3; NFE = network evaluations per clip, each on 2 images for guidance; CPU s of this process, GOMAXPROCS %d, load average %s at start of this table, so the RTF is what this shared machine gave, not the model's speed)\n\n",
		runtime.GOMAXPROCS(0), cputime.LoadAverage())
	fmt.Fprintln(w, "| sampler | steps | NFE per clip | U-Net CPU s | vocoder CPU s | RTF (audio s / CPU s) |\n| --- | ---: | ---: | ---: | ---: | ---: |")
	for _, name := range strings.Split(rtfSamplers, ",") {
		sp := sampler.Spec{Name: name}
		c0 := cputime.Seconds()
		images, calls, err := sampleCounted(ctx, g, sp, []int{7}, seed)
		if err != nil {
			return err
		}
		c1 := cputime.Seconds()
		if _, err := codec.Vocode(images, tensor.NewRNG(seed)); err != nil {
			return err
		}
		c2 := cputime.Seconds()
		fmt.Fprintf(w, "| %s | %d | %d | %.2f | %.2f | %.3f |\n", name, sp.StepCount(g.Pipe.Model.Schedule.Steps), calls,
			c1-c0, c2-c1, float64(codec.Spec.Samples)/float64(codec.Spec.Rate)/(c2-c0))
	}
	fmt.Fprintln(w)
	return nil
}

// counted counts the evaluations of a denoiser.
type counted struct {
	d sampler.Denoiser
	n *int
}

func (c counted) Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	*c.n++
	return c.d.Denoise(x, sigma)
}

// sampleCounted draws images as melgen.Generate does (guidance 3,
// thresholded), counting denoiser evaluations.
func sampleCounted(ctx context.Context, g *melgen.Generator, sp sampler.Spec, labels []int, seed uint64) (*tensor.Tensor, int, error) {
	p := g.Pipe
	var d sampler.Denoiser = diffusion.Guided{D: p.Denoiser(nil), Labels: labels, Scale: 3}
	calls := 0
	d = sampler.Thresholded{D: counted{d, &calls}}
	s, err := sp.Build()
	if err != nil {
		return nil, 0, err
	}
	sigmas, err := sp.Sigmas(p.Schedule)
	if err != nil {
		return nil, 0, err
	}
	size := p.Model.UNet.ImageSize
	rng := tensor.NewRNG(seed)
	x := sampler.InitialNoise(rng.Split(0), sigmas[0], sp.Temp(), len(labels), 1, size, size)
	y, err := sampler.Run(ctx, s, d, x, sigmas, rng.Split(1), nil)
	if err != nil {
		return nil, 0, err
	}
	for i, v := range y.Data {
		y.Data[i] = min(max(v, -1), 1)
	}
	return y, calls, nil
}

// classMean returns one clip per label: the label's mean training mel
// power (each clip relative to its peak, as the images are), as an image,
// vocoded (each clip its own phases).
func classMean(data string, codec *melgen.Codec, labels []int, seed uint64) (*tensor.Tensor, error) {
	x, y, _, err := digits.Load(data, digits.Train, 0)
	if err != nil {
		return nil, err
	}
	imgs, err := codec.Images(x)
	if err != nil {
		return nil, err
	}
	per := imgs.Len() / imgs.Dim(0)
	R := codec.Spec.RangeDB
	var mean [10][]float64
	var count [10]int
	for i, d := range y {
		if mean[d] == nil {
			mean[d] = make([]float64, per)
		}
		for j, v := range imgs.Data[i*per : (i+1)*per] {
			mean[d][j] += math.Pow(10, (float64(v)-1)/2*R/10)
		}
		count[d]++
	}
	out := tensor.New(len(labels), 1, codec.Spec.Bands, codec.Spec.Frames())
	for i, d := range labels {
		if count[d] == 0 {
			return nil, fmt.Errorf("%s: no training clips of digit %d", data, d)
		}
		peak := slices.Max(mean[d])
		for j, v := range mean[d] {
			db := max(-R, 10*math.Log10(v/peak))
			out.Data[i*per+j] = float32(1 + 2*db/R)
		}
	}
	return codec.Vocode(out, tensor.NewRNG(seed).Split(99))
}

func samplesPNG(path string, gen, base, real *tensor.Tensor, labels, realLabels []int) error {
	L := digits.Samples
	var clips [][]float32
	var names []string
	add := func(x *tensor.Tensor, labs []int, prefix string) {
		for d := range 10 {
			for i, c := range labs {
				if c == d {
					clips = append(clips, x.Data[i*L:(i+1)*L])
					names = append(names, prefix+digits.Words[d])
					break
				}
			}
		}
	}
	add(gen, labels, "mel ")
	add(base, labels, "mean ")
	add(real, realLabels, "real ")
	return diffwave.SpectrogramPNG(path, clips, names, 10, map[string]string{"command": "bench/audio_mel_table.sh",
		"rows": "mel-route samples (guided), class-mean baseline, real test clips", "stft": "256-point Hann, hop 64, 8 kHz", "range_db": "80"})
}
