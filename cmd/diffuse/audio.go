package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/classifier"
	"github.com/diffusego/diffusego/audio/diffwave"
	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/dsp"
	"github.com/diffusego/diffusego/audio/enhance"
	"github.com/diffusego/diffusego/audio/melgen"
	"github.com/diffusego/diffusego/audio/quality"
	"github.com/diffusego/diffusego/audio/specenh"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
	"github.com/spf13/cobra"
)

func newAudioCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audio",
		Short: "Train, sample, denoise and evaluate audio diffusion models (spoken digits)",
		Long: `audio trains DiffWave-style waveform diffusion models on the spoken-digit data
set (make digits): class-conditional generation with classifier-free
guidance, and speech denoising conditioned on the noisy recording. See
docs/audio.md.`,
	}
	cmd.AddCommand(newAudioTrainCmd(), newAudioSampleCmd(), newAudioDenoiseCmd(), newAudioEvalCmd(), newAudioExportCmd())
	return cmd
}

// paramTotal is the number of values in ps.
func paramTotal(ps []*nn.Param) int {
	n := 0
	for _, p := range ps {
		n += p.V.Value.Len()
	}
	return n
}

// Kinds of audio checkpoint, as audioCheckpoint tells them apart.
const (
	kindWaveform = "waveform" // audio/diffwave: generation or denoising
	kindMel      = "mel"      // audio/melgen
	kindEnhance  = "enhance"  // audio/specenh
)

// audioCheckpoint returns the newest checkpoint of path and its kind, read
// from its header entries (melgen.MetaKey, specenh.MetaKey; anything else
// is taken for a waveform model, which its loader then checks).
func audioCheckpoint(path string) (file, kind string, err error) {
	if path == "" {
		return "", "", usagef("--checkpoint is required (a checkpoint file or a run folder)")
	}
	if file, err = jobs.NewestCheckpoint(path); err != nil {
		return "", "", err
	}
	meta, err := checkpoint.ReadMeta(file)
	if err != nil {
		return "", "", err
	}
	switch {
	case meta[melgen.MetaKey] != "":
		return file, kindMel, nil
	case meta[specenh.MetaKey] != "":
		return file, kindEnhance, nil
	}
	return file, kindWaveform, nil
}

// loadAudioModel reads the waveform model of the newest checkpoint of path
// (a file is its own newest checkpoint), and returns that file and its
// SHA-256. Its callers have passed path through audioCheckpoint, which
// refuses an empty one.
func loadAudioModel(path string, raw bool) (*diffwave.Model, string, string, error) {
	file, err := jobs.NewestCheckpoint(path)
	if err != nil {
		return nil, "", "", err
	}
	sum, err := fileSHA256(file)
	if err != nil {
		return nil, "", "", err
	}
	m, _, err := diffwave.Load(file, !raw)
	return m, file, sum, err
}

// fileSHA256 is the hex SHA-256 of a file's bytes.
func fileSHA256(file string) (string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	return jobs.SHA256(b), nil
}

// audioSamplerFlags are the sampling settings shared by sample and denoise.
type audioSamplerFlags struct {
	sampler     string
	steps       int
	eta, temp   float64
	seed        uint64
	checkpoint  string
	raw         bool
	outDir      string
	guidanceVal float64
}

func (s *audioSamplerFlags) register(cmd *cobra.Command, defSampler string) {
	fl := cmd.Flags()
	fl.StringVar(&s.checkpoint, "checkpoint", "", "checkpoint file or run folder (its newest checkpoint)")
	fl.StringVar(&s.sampler, "sampler", defSampler, "sampler: "+strings.Join(sampler.Names(), ", "))
	fl.IntVar(&s.steps, "steps", 0, "sampling steps (0: the sampler's usual count)")
	fl.Float64Var(&s.eta, "eta", 0, "DDIM's η")
	fl.Float64Var(&s.temp, "temperature", 1, "scale of the initial and injected noise")
	fl.Uint64Var(&s.seed, "seed", 1, "sampling seed")
	fl.BoolVar(&s.raw, "raw", false, "use the raw weights instead of the EMA")
	fl.StringVar(&s.outDir, "out", "", "output folder")
}

func (s *audioSamplerFlags) spec(what string) (sampler.Spec, error) {
	if s.steps < 0 {
		return sampler.Spec{}, usagef("%s: --steps: want ≥ 1 (or 0 for the sampler's usual count), got %d", what, s.steps)
	}
	if !(s.temp > 0) {
		return sampler.Spec{}, usagef("%s: --temperature: want > 0, got %g", what, s.temp)
	}
	spec := sampler.Spec{Name: s.sampler, Steps: s.steps, Eta: s.eta, Temperature: s.temp}
	if _, err := spec.Build(); err != nil {
		return spec, usagef("%s: --sampler: %v", what, err)
	}
	if s.outDir == "" {
		return spec, usagef("%s: --out is required", what)
	}
	return spec, nil
}

var audioSampleName = regexp.MustCompile(`_c(\d+)\.wav$`)

func newAudioEvalCmd() *cobra.Command {
	var samples, data, reference, out string
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Score generated or denoised clips",
		Long: `eval scores the .wav files of --samples. With --data (the spoken-digit set),
it gives the class accuracy of NNNNNN_cK.wav files (the shipped digit
classifier) and the Fréchet distance in its features to as many test-voice
clips, with the floor (validation-voice clips against the same test clips)
beside. With --reference (a folder of clean clips of the same names), it
gives the mean SI-SDR, segmental SNR and log-spectral distance. --out writes
the scores as JSON.`,
		Example: `  diffuse audio eval --samples samples --data out/digits
  diffuse audio eval --samples clean/ --reference truth/ --out scores.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if samples == "" || (data == "" && reference == "") {
				return usagef("audio eval: --samples and one of --data or --reference are required")
			}
			inputs, err := diffwave.ReadDir(samples, digits.Rate)
			if err != nil {
				return err
			}
			res := map[string]any{"samples": samples, "n": len(inputs)}
			log := cmd.OutOrStdout()
			if data != "" {
				sc, err := scoreGenerated(inputs, data)
				if err != nil {
					return err
				}
				res["classifier_sha256"], res["generation"] = classifier.SHA256(), sc
				fmt.Fprintf(log, "%d clips: class accuracy %.3f; FD %.3f (real-vs-real floor %.3f at the same count)\n",
					sc.N, sc.Accuracy, sc.FD, sc.FloorFD)
			}
			if reference != "" {
				q, err := scoreAgainst(inputs, reference)
				if err != nil {
					return err
				}
				res["reference"] = q
				fmt.Fprintf(log, "%d clips against %s: SI-SDR %.2f dB, segmental SNR %.2f dB, LSD %.2f dB\n",
					len(inputs), reference, q["si_sdr"], q["seg_snr"], q["lsd"])
			}
			if out != "" {
				return checkpoint.WriteAtomic(out, func(w io.Writer) error {
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					return enc.Encode(res)
				})
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&samples, "samples", "", "folder of .wav files to score")
	fl.StringVar(&data, "data", "", "spoken-digit data set: class accuracy and FD against its test voices")
	fl.StringVar(&reference, "reference", "", "folder of clean .wav files with the same names: SI-SDR, segmental SNR, LSD")
	fl.StringVar(&out, "out", "", "write the scores as JSON")
	return cmd
}

// scoreGenerated gives accuracy (of _cK files) and FD against test clips.
func scoreGenerated(inputs []diffwave.Input, data string) (classifier.Scores, error) {
	n := len(inputs)
	x := tensor.New(n, 1, digits.Samples)
	var labels []int
	for i, in := range inputs {
		if in.Audio.Len() != digits.Samples {
			return classifier.Scores{}, fmt.Errorf("%s: %d samples: want %d (1 s at %d Hz)", in.Path, in.Audio.Len(), digits.Samples, digits.Rate)
		}
		for j, v := range in.Audio.Data[0] {
			x.Data[i*digits.Samples+j] = float32(v)
		}
		if m := audioSampleName.FindStringSubmatch(in.Path); m != nil {
			c, _ := strconv.Atoi(m[1])
			labels = append(labels, c)
		}
	}
	if len(labels) != n { // accuracy only when every file names its class
		labels = nil
	}
	ref, _, _, err := digits.Load(data, digits.Test, n)
	if err != nil {
		return classifier.Scores{}, err
	}
	floor, _, _, err := digits.Load(data, digits.Validation, n)
	if err != nil {
		return classifier.Scores{}, err
	}
	if ref.Dim(0) < 2 || floor.Dim(0) < 2 {
		return classifier.Scores{}, fmt.Errorf("%s: too few test or validation clips for a Fréchet distance", data)
	}
	c, err := classifier.Load()
	if err != nil {
		return classifier.Scores{}, err
	}
	return c.Score(x, labels, ref, floor)
}

// scoreAgainst gives the mean SI-SDR, segmental SNR and LSD of inputs
// against same-named clean files.
func scoreAgainst(inputs []diffwave.Input, dir string) (map[string]float64, error) {
	stft, err := dsp.NewSTFT(256, 64)
	if err != nil {
		return nil, err
	}
	var sums [3]float64
	for _, in := range inputs {
		path := filepath.Join(dir, filepath.Base(in.Path))
		a, err := audio.ReadFile(path)
		if err != nil {
			return nil, err
		}
		ref, _, err := audio.Conform(a, digits.Rate, 1)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if ref.Len() != in.Audio.Len() {
			return nil, fmt.Errorf("%s: %d samples, but %s has %d", path, ref.Len(), in.Path, in.Audio.Len())
		}
		est, r := in.Audio.Data[0], ref.Data[0]
		v, err := quality.SISDR(est, r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.Path, err)
		}
		s, err := quality.SegSNR(est, r, enhance.SegFrame, enhance.SegHop) // the frames of docs/audio.md's tables
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.Path, err)
		}
		l, err := quality.LSD(est, r, stft)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.Path, err)
		}
		sums[0], sums[1], sums[2] = sums[0]+v, sums[1]+s, sums[2]+l
	}
	k := float64(len(inputs))
	return map[string]float64{"si_sdr": sums[0] / k, "seg_snr": sums[1] / k, "lsd": sums[2] / k}, nil
}
