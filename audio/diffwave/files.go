package diffwave

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/dsp"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

// Input is one WAV file read for a model.
type Input struct {
	Path  string
	Audio *audio.Audio // conformed to the model's rate, mono
	Note  string       // what Conform changed ("" when nothing)
}

// ReadDir reads every .wav file of dir (sorted by name) and conforms it to
// rate Hz mono (audio.Conform). It reads them all before returning, so a
// bad file is reported, by name, before anything is written. A folder
// without WAV files is refused.
func ReadDir(dir string, rate int) ([]Input, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".wav") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no .wav files", dir)
	}
	out := make([]Input, 0, len(names))
	for _, name := range names {
		path := filepath.Join(dir, name)
		a, err := audio.ReadFile(path)
		if err != nil {
			return nil, err
		}
		c, note, err := audio.Conform(a, rate, 1)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, Input{Path: path, Audio: c, Note: note})
	}
	return out, nil
}

// Chunks cuts x into len(x)/samples clips of samples each, the last
// zero-padded: (K, 1, samples).
func Chunks(x []float64, samples int) *tensor.Tensor {
	k := max(1, (len(x)+samples-1)/samples)
	t := tensor.New(k, 1, samples)
	for i, v := range x {
		t.Data[i] = float32(v)
	}
	return t
}

// WriteClip writes one clip as 16-bit PCM WAV at rate with its settings in
// the LIST/INFO chunk (atomically: a failed write leaves no file).
func WriteClip(path string, x []float32, rate int, settings map[string]string) error {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return audio.WriteFile(path, audio.Mono(rate, y), audio.PCM16, audio.SettingsInfo(settings))
}

// SpectrogramPNG writes the spectrograms of clips (256-point STFT, hop 64,
// 80 dB range) as a grid of cols columns under their labels.
func SpectrogramPNG(path string, clips [][]float32, labels []string, cols int, meta map[string]string) error {
	stft, err := dsp.NewSTFT(256, 64)
	if err != nil {
		return err
	}
	cells := make([]dsp.Labelled, len(clips))
	for i, c := range clips {
		x := make([]float64, len(c))
		for j, v := range c {
			x[j] = float64(v)
		}
		cells[i] = dsp.Labelled{Label: labels[i], Power: dsp.Power(stft.Forward(x))}
	}
	img, err := dsp.SpectrogramGrid(cells, cols, 80)
	if err != nil {
		return err
	}
	return pngout.WriteFile(path, img, meta)
}
