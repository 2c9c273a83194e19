// Command mktable measures the denoising baselines of package enhance on
// held-out voices of the spoken-digit data set and prints the Markdown
// tables of docs/audio.md: for white and babble noise at 0, 5 and 10 dB,
// the mean SI-SDR improvement, segmental SNR and log-spectral distance of
// each baseline (and of the noisy input) over n test clips.
//
//	go run ./audio/internal/mktable -data out/digits -n 200 -seed 1 -png docs/audio-denoise.png
//
// Clips are drawn from the test split with the seed; babble is 4 talkers
// at equal loudness, each a stream of test utterances (trimmed of silence,
// end to end, from a random offset) by voices other than the target's.
// Clean clips are read from their 16-bit WAV files; noise is mixed in
// float64 at the exact SNR (noise.Mix) and never quantised.
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/dsp"
	"github.com/diffusego/diffusego/audio/enhance"
	"github.com/diffusego/diffusego/audio/noise"
	"github.com/diffusego/diffusego/audio/quality"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

// Segmental SNR frames: 256 samples (32 ms at 8 kHz), hop 128.
const segFrame, segHop = 256, 128

// babbleTalkers is how many other utterances make one babble noise.
const babbleTalkers = 4

// row is one method: a name and how to run it given the true noise.
type row struct {
	name string
	run  func(noisy, trueNoise []float64) ([]float64, error)
}

func rows() []row {
	ss, wf, sox := enhance.SpectralSubtraction{}, enhance.Wiener{}, enhance.SoxNoiseRed{}
	return []row{
		{"noisy input (no processing)", func(x, _ []float64) ([]float64, error) { return x, nil }},
		{ss.Name() + ", noise PSD from the first frames", func(x, _ []float64) ([]float64, error) { return ss.Denoise(x, digits.Rate, nil) }},
		{ss.Name() + ", true noise PSD", func(x, n []float64) ([]float64, error) { return ss.Denoise(x, digits.Rate, n) }},
		{wf.Name() + ", noise PSD from the first frames", func(x, _ []float64) ([]float64, error) { return wf.Denoise(x, digits.Rate, nil) }},
		{wf.Name() + ", true noise PSD", func(x, n []float64) ([]float64, error) { return wf.Denoise(x, digits.Rate, n) }},
		{sox.Name(), func(x, n []float64) ([]float64, error) { return sox.Denoise(x, digits.Rate, n) }},
	}
}

// scores are the per-clip metrics of one method in one condition.
type scores struct{ sisdri, seg, lsd []float64 }

// condition holds one noise kind at one SNR: the input SI-SDR per clip and
// the scores of each method.
type condition struct {
	input   []float64
	methods []scores
}

func main() {
	dataDir := flag.String("data", "out/digits", "data set directory (with manifest.csv)")
	n := flag.Int("n", 200, "test clips")
	seed := flag.Uint64("seed", 1, "seed of the clip choice, the noise and the babble talkers")
	pngPath := flag.String("png", "", "also write spectrograms of one clip (babble at 5 dB) to this PNG")
	flag.Parse()
	if err := run(os.Stdout, *dataDir, *n, *seed, *pngPath); err != nil {
		fmt.Fprintln(os.Stderr, "mktable:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, dataDir string, n int, seed uint64, pngPath string) error {
	all, err := digits.ReadManifest(filepath.Join(dataDir, digits.ManifestName))
	if err != nil {
		return err
	}
	test := digits.Select(all, digits.Test)
	if len(test) < n {
		return fmt.Errorf("%d test clips, want at least %d", len(test), n)
	}
	testVoices := map[string]bool{}
	for _, c := range test {
		testVoices[c.Voice] = true
	}
	if len(testVoices) < 2 {
		return fmt.Errorf("%d test voices: babble needs at least 2", len(testVoices))
	}
	rng := tensor.NewRNG(seed)
	perm := rng.Perm(len(test))
	load := func(c digits.Clip) ([]float64, error) {
		a, err := audio.ReadFile(filepath.Join(dataDir, c.File))
		if err != nil {
			return nil, err
		}
		if a.Rate != digits.Rate || a.Channels() != 1 {
			return nil, fmt.Errorf("%s: %d Hz, %d channels: want %d Hz mono", c.File, a.Rate, a.Channels(), digits.Rate)
		}
		return a.Data[0], nil
	}
	// Every test clip, for the babble talkers: trimmed of silence.
	speech := make([][]float64, len(test))
	for j, c := range test {
		x, err := load(c)
		if err != nil {
			return err
		}
		speech[j] = digits.Trim(x, digits.Rate, digits.TrimDB)
	}
	type clip struct {
		clean   []float64
		talkers [][]float64
		voice   string
		digit   int
	}
	clips := make([]clip, n)
	for i := range n {
		c := test[perm[i]]
		x, err := load(c)
		if err != nil {
			return err
		}
		clips[i] = clip{clean: x, voice: c.Voice, digit: c.Digit}
		crng := rng.Split(uint64(i))
		for range babbleTalkers {
			// One talker: utterances by other voices, end to end, from a
			// random offset into the first, so the babble has no gaps.
			var utts [][]float64
			total := 0
			for total < 2*len(x) {
				j := crng.Intn(len(test))
				if test[j].Voice == c.Voice || len(speech[j]) == 0 {
					continue
				}
				utts = append(utts, speech[j])
				total += len(speech[j])
			}
			stream, err := noise.Concat(utts, crng.Intn(len(utts[0])), len(x))
			if err != nil {
				return err
			}
			clips[i].talkers = append(clips[i].talkers, stream)
		}
	}
	stft, _ := dsp.NewSTFT(256, 64)
	methods := rows()
	kinds := []string{"white", "babble"}
	snrs := []float64{0, 5, 10}
	// results[kind][snr]
	results := make([][]condition, len(kinds))
	for k := range kinds {
		results[k] = make([]condition, len(snrs))
		for s := range snrs {
			c := condition{input: make([]float64, n), methods: make([]scores, len(methods))}
			for m := range methods {
				c.methods[m] = scores{make([]float64, n), make([]float64, n), make([]float64, n)}
			}
			results[k][s] = c
		}
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	jobs := make(chan int)
	for range 2 { // at most two sox processes at a time
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if err := scoreClip(clips[i].clean, clips[i].talkers, rng.Split(1<<32+uint64(i)), kinds, snrs, methods, stft, results, i); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("clip %d (%s, digit %d): %w", i, clips[i].voice, clips[i].digit, err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	voices := map[string]bool{}
	for _, c := range clips {
		voices[c.voice] = true
	}
	fmt.Fprintf(w, "%d test clips (%d held-out voices), seed %d; mean over clips, ± the standard error of the mean.\n\n", n, len(voices), seed)
	metrics := []struct {
		title string
		get   func(scores) []float64
	}{
		{"SI-SDR improvement (dB, higher is better)", func(r scores) []float64 { return r.sisdri }},
		{"segmental SNR (dB, frames clamped to [−10, 35], higher is better)", func(r scores) []float64 { return r.seg }},
		{"log-spectral distance (dB, lower is better)", func(r scores) []float64 { return r.lsd }},
	}
	for _, mt := range metrics {
		fmt.Fprintf(w, "**%s**\n\n| method |", mt.title)
		for _, kind := range kinds {
			for _, snr := range snrs {
				fmt.Fprintf(w, " %s %g dB |", kind, snr)
			}
		}
		fmt.Fprint(w, "\n| --- |"+strings.Repeat(" ---: |", len(kinds)*len(snrs))+"\n")
		for m, meth := range methods {
			fmt.Fprintf(w, "| %s |", meth.name)
			for k := range kinds {
				for s := range snrs {
					fmt.Fprintf(w, " %s |", meanSE(mt.get(results[k][s].methods[m])))
				}
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprint(w, "SI-SDR of the noisy input, for reference:")
	for k, kind := range kinds {
		for s, snr := range snrs {
			fmt.Fprintf(w, " %s at %g dB: %s dB;", kind, snr, meanSE(results[k][s].input))
		}
	}
	fmt.Fprintln(w)
	if pngPath != "" {
		return writePNG(pngPath, clips[0].clean, clips[0].talkers, seed, stft, methods)
	}
	return nil
}

func makeNoise(kind string, clean []float64, talkers [][]float64, rng *tensor.RNG) ([]float64, error) {
	if kind == "white" {
		return noise.White(len(clean), rng), nil
	}
	return noise.Babble(talkers, len(clean))
}

func scoreClip(clean []float64, talkers [][]float64, rng *tensor.RNG, kinds []string, snrs []float64, methods []row, stft *dsp.STFT, results [][]condition, i int) error {
	for k, kind := range kinds {
		nz, err := makeNoise(kind, clean, talkers, rng)
		if err != nil {
			return err
		}
		for s, snr := range snrs {
			noisy, scaled, err := noise.Mix(clean, nz, snr)
			if err != nil {
				return err
			}
			if results[k][s].input[i], err = quality.SISDR(noisy, clean); err != nil {
				return err
			}
			for m, meth := range methods {
				est, err := meth.run(noisy, scaled)
				if err != nil {
					return fmt.Errorf("%s: %w", meth.name, err)
				}
				r := results[k][s].methods[m]
				if r.sisdri[i], err = quality.SISDRi(est, noisy, clean); err != nil {
					return err
				}
				if r.seg[i], err = quality.SegSNR(est, clean, segFrame, segHop); err != nil {
					return err
				}
				if r.lsd[i], err = quality.LSD(est, clean, stft); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func meanSE(x []float64) string {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	ss := 0.0
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	se := math.Sqrt(ss / float64(len(x)-1) / float64(len(x)))
	return fmt.Sprintf("%.2f ± %.2f", m, se)
}

// writePNG draws the clean clip, its babble-noisy version at 5 dB and each
// method's output as spectrograms.
func writePNG(path string, clean []float64, talkers [][]float64, seed uint64, stft *dsp.STFT, methods []row) error {
	nz, err := noise.Babble(talkers, len(clean))
	if err != nil {
		return err
	}
	noisy, scaled, err := noise.Mix(clean, nz, 5)
	if err != nil {
		return err
	}
	cells := []dsp.Labelled{{Label: "clean", Power: dsp.Power(stft.Forward(clean))}}
	short := []string{"noisy, babble 5 dB", "spec. sub.", "spec. sub., true PSD", "Wiener", "Wiener, true PSD", "sox noisered"}
	for m, meth := range methods {
		est, err := meth.run(noisy, scaled)
		if err != nil {
			return err
		}
		cells = append(cells, dsp.Labelled{Label: short[m], Power: dsp.Power(stft.Forward(est))})
	}
	img, err := dsp.SpectrogramGrid(cells, 4, 80)
	if err != nil {
		return err
	}
	return pngout.WriteFile(path, img, map[string]string{
		"command": "go run ./audio/internal/mktable", "seed": fmt.Sprint(seed), "noise": "babble", "snr_db": "5",
		"stft": "256-point Hann, hop 64, 8 kHz", "range_db": "80",
	})
}
