package diffwave

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/dsp"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion/sampler"
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
	img, err := SpectrogramGrid(clips, labels, cols)
	if err != nil {
		return err
	}
	return pngout.WriteFile(path, img, meta)
}

// SpectrogramGrid draws the spectrograms of clips (256-point STFT, hop 64,
// 80 dB range) as a grid of cols columns under their labels.
func SpectrogramGrid(clips [][]float32, labels []string, cols int) (image.Image, error) {
	stft, err := dsp.NewSTFT(256, 64)
	if err != nil {
		return nil, err
	}
	cells := make([]dsp.Labelled, len(clips))
	for i, c := range clips {
		x := make([]float64, len(c))
		for j, v := range c {
			x[j] = float64(v)
		}
		cells[i] = dsp.Labelled{Label: labels[i], Power: dsp.Power(stft.Forward(x))}
	}
	return dsp.SpectrogramGrid(cells, cols, 80)
}

// EncodeClip writes one clip to w as WriteClip writes it to a file: 16-bit
// PCM WAV at rate with its settings in the LIST/INFO chunk.
func EncodeClip(w io.Writer, x []float32, rate int, settings map[string]string) error {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	a := audio.Mono(rate, y)
	if err := a.Validate(); err != nil {
		return err
	}
	return audio.Encode(w, a, audio.PCM16, audio.SettingsInfo(settings))
}

// Labels returns the labels of n clips: all class, or (class −1) the
// classes 0 … classes−1 in turn.
func Labels(n, class, classes int) []int {
	labels := make([]int, n)
	for i := range labels {
		labels[i] = class
		if class < 0 {
			labels[i] = i % max(classes, 1)
		}
	}
	return labels
}

// SampleSettings are the settings a sampling run writes into its clips
// (SampleFiles): the checkpoint's SHA-256, the sampler, its step count for
// a model of T training steps, the guidance, the seed, the temperature and
// η, as `diffuse audio sample` writes them.
func SampleSettings(sha256 string, spec sampler.Spec, T int, guidance float64, seed uint64) map[string]string {
	return map[string]string{"checkpoint_sha256": sha256, "sampler": spec.Name,
		"steps": strconv.Itoa(spec.StepCount(T)), "guidance": strconv.FormatFloat(guidance, 'g', -1, 64),
		"seed": strconv.FormatUint(seed, 10), "temperature": strconv.FormatFloat(spec.Temperature, 'g', -1, 64),
		"eta": strconv.FormatFloat(spec.Eta, 'g', -1, 64)}
}

// File is one output file of a run: its name, the settings it carries and
// its bytes.
type File struct {
	Name string
	Meta map[string]string
	Data []byte
}

// SampleFiles returns the files of generated clips x: (N, 1, L) of labels,
// as `diffuse audio sample` writes them: NNNNNN_cK.wav per clip (16-bit
// PCM, settings and class in the INFO chunk), settings.json, and grid.png,
// the spectrograms of the first 40 clips under their digits' names.
func SampleFiles(x *tensor.Tensor, labels []int, rate int, settings map[string]string) ([]File, error) {
	L := x.Dim(2)
	var files []File
	var clips [][]float32
	var names []string
	for i, c := range labels {
		row := x.Data[i*L : (i+1)*L]
		st := map[string]string{"class": strconv.Itoa(c), "index": strconv.Itoa(i)}
		maps.Copy(st, settings)
		var b bytes.Buffer
		if err := EncodeClip(&b, row, rate, st); err != nil {
			return nil, fmt.Errorf("clip %d: %w", i, err)
		}
		files = append(files, File{Name: fmt.Sprintf("%06d_c%d.wav", i, c), Meta: st, Data: b.Bytes()})
		if len(clips) < 40 {
			clips = append(clips, row)
			names = append(names, fmt.Sprintf("%d: %s", i, digits.Words[min(max(c, 0), 9)]))
		}
	}
	js, err := checkpoint.EncodeJSON(settings)
	if err != nil {
		return nil, err
	}
	files = append(files, File{Name: "settings.json", Meta: settings, Data: js})
	img, err := SpectrogramGrid(clips, names, 5)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := pngout.Encode(&b, img, settings); err != nil {
		return nil, err
	}
	return append(files, File{Name: "grid.png", Meta: settings, Data: b.Bytes()}), nil
}

// DenoiseClip returns Enhance's estimate of the clean speech in x (mono at
// the model's rate, any length): x is cut into the model's windows (the
// last zero-padded), each is denoised with k posterior samples averaged,
// and the result is cut back to len(x) samples.
func DenoiseClip(ctx context.Context, m *Model, x []float64, k int, opts Options) ([]float32, error) {
	y, err := Enhance(ctx, m, Chunks(x, m.Config.Samples), k, opts)
	if err != nil {
		return nil, err
	}
	return y.Data[:len(x)], nil
}
