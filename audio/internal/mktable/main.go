// Command mktable measures the denoising baselines of package enhance on
// held-out voices of the spoken-digit data set and prints the Markdown
// tables of docs/audio.md: for white and babble noise at 0, 5 and 10 dB,
// the mean SI-SDR improvement, segmental SNR and log-spectral distance of
// each baseline (and of the noisy input) over n test clips.
//
//	go run ./audio/internal/mktable -data out/digits -n 200 -seed 1 -png docs/img/audio-denoise.png
//
// The clips and their noise come from enhance.DigitCases, the scores from
// enhance.Evaluate: clean clips are read from their 16-bit WAV files and
// noise is mixed in float64 at the exact SNR and never quantised.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/dsp"
	"github.com/diffusego/diffusego/audio/enhance"
	"github.com/diffusego/diffusego/audio/noise"
	"github.com/diffusego/diffusego/internal/pngout"
)

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
	cases, err := enhance.DigitCases(dataDir, n, seed)
	if err != nil {
		return err
	}
	entries := enhance.Baselines()
	table, err := enhance.Evaluate(cases, digits.Rate, []string{enhance.White, enhance.Babble}, []float64{0, 5, 10}, entries)
	if err != nil {
		return err
	}
	voices := map[string]bool{}
	for _, c := range cases {
		voices[c.Voice] = true
	}
	fmt.Fprintf(w, "%d test clips (%d held-out voices), seed %d; mean over clips, ± the standard error of the mean.\n\n", n, len(voices), seed)
	table.Markdown(w)
	if pngPath != "" {
		return writePNG(pngPath, cases[0], seed, entries)
	}
	return nil
}

// writePNG draws one case's clean clip, its babble-noisy version at 5 dB
// and each entry's output as spectrograms.
func writePNG(path string, c enhance.Case, seed uint64, entries []enhance.Entry) error {
	stft, err := dsp.NewSTFT(256, 64)
	if err != nil {
		return err
	}
	noisy, scaled, err := noise.Mix(c.Clean, c.Noise[enhance.Babble], 5)
	if err != nil {
		return err
	}
	cells := []dsp.Labelled{{Label: "clean", Power: dsp.Power(stft.Forward(c.Clean))}}
	short := []string{"noisy, babble 5 dB", "spec. sub.", "spec. sub., true PSD", "Wiener", "Wiener, true PSD", "sox noisered"}
	for e, entry := range entries {
		var given []float64
		if entry.TrueNoise {
			given = scaled
		}
		est, err := entry.Method.Denoise(noisy, digits.Rate, given)
		if err != nil {
			return err
		}
		label := entry.Name
		if e < len(short) {
			label = short[e]
		}
		cells = append(cells, dsp.Labelled{Label: label, Power: dsp.Power(stft.Forward(est))})
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
