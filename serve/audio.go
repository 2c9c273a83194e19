package serve

import (
	"encoding/base64"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/diffwave"
	"github.com/diffusego/diffusego/audio/melgen"
	"github.com/diffusego/diffusego/diffusion/sampler"
)

// AudioSampleParams are the parameters of an audio_sample job (`diffuse
// audio sample`): N clips of Class (−1: the digits in turn).
type AudioSampleParams struct {
	N           int     `json:"n"`
	Class       int     `json:"class"`
	Guidance    float64 `json:"guidance"`
	Sampler     string  `json:"sampler"`
	Steps       int     `json:"steps"` // 0: the sampler's usual count
	Eta         float64 `json:"eta"`
	Temperature float64 `json:"temperature"`
	Seed        uint64  `json:"seed"`
}

func (p *AudioSampleParams) spec() sampler.Spec {
	return sampler.Spec{Name: p.Sampler, Steps: p.Steps, Eta: p.Eta, Temperature: p.Temperature}
}

func (p *AudioSampleParams) check(m *Model, _ map[string][]byte, lim Limits) *APIError {
	var classes int
	if m.Mel != nil {
		classes = m.Mel.Pipe.Model.UNet.Classes
	} else {
		classes = m.Audio.Config.Classes
	}
	if e := firstErr(rangeInt("params.n", p.N, 1, lim.MaxImages), rangeInt("params.steps", p.Steps, 0, 1000),
		rangeFloat("params.guidance", p.Guidance, 0, 30), rangeFloat("params.eta", p.Eta, 0, 1),
		rangeFloat("params.temperature", p.Temperature, 0.01, 2), checkSampler("params.sampler", p.Sampler, p.Eta)); e != nil {
		return e
	}
	if classes == 0 && p.Class != -1 {
		return badField("params.class", CodeOutOfRange, "the model is unconditional: want -1, got %d", p.Class)
	}
	return rangeInt("params.class", p.Class, -1, classes-1)
}

func (p *AudioSampleParams) run(e *runEnv) error {
	if e.model.Mel != nil {
		return p.runMel(e)
	}
	m := e.model.Audio
	spec := p.spec()
	labels := diffwave.Labels(p.N, p.Class, m.Config.Classes)
	x, err := diffwave.Generate(e.ctx, m, labels, diffwave.Options{Sampler: spec, Guidance: p.Guidance, Seed: p.Seed, Progress: e.progress})
	if err != nil {
		return err
	}
	settings := diffwave.SampleSettings(e.model.Hash, spec, m.Config.Steps, p.Guidance, p.Seed)
	files, err := diffwave.SampleFiles(x, labels, m.Config.Rate, settings)
	if err != nil {
		return err
	}
	return writeFiles(e, files)
}

// runMel is run for a mel model: images by the U-Net, vocoded by
// Griffin–Lim, with the settings `diffuse audio sample` writes for one.
func (p *AudioSampleParams) runMel(e *runEnv) error {
	g := e.model.Mel
	spec := p.spec()
	labels := diffwave.Labels(p.N, p.Class, g.Pipe.Model.UNet.Classes)
	x, _, err := g.Generate(e.ctx, labels, melgen.Options{Sampler: spec, Guidance: p.Guidance, Seed: p.Seed, Progress: e.progress})
	if err != nil {
		return err
	}
	settings := diffwave.SampleSettings(e.model.Hash, spec, g.Pipe.Model.Schedule.Steps, p.Guidance, p.Seed)
	settings["model"], settings["vocoder"] = "mel", fmt.Sprintf("griffin-lim %d iterations", g.Codec.Spec.GLIters)
	files, err := diffwave.SampleFiles(x, labels, g.Codec.Spec.Rate, settings)
	if err != nil {
		return err
	}
	return writeFiles(e, files)
}

// writeFiles writes a library run's files as the job's outputs.
func writeFiles(e *runEnv, files []diffwave.File) error {
	for _, f := range files {
		if err := e.write(f.Name, f.Meta, func(w io.Writer) error { _, err := w.Write(f.Data); return err }); err != nil {
			return err
		}
	}
	return nil
}

// AudioDenoiseParams are the parameters of an audio_denoise job (`diffuse
// audio denoise` for one file).
type AudioDenoiseParams struct {
	Audio       string  `json:"audio,omitempty"` // base64 WAV (a data: URL is accepted)
	Samples     int     `json:"samples"`
	Sampler     string  `json:"sampler"`
	Steps       int     `json:"steps"` // 0: the sampler's usual count
	Eta         float64 `json:"eta"`
	Temperature float64 `json:"temperature"`
	Seed        uint64  `json:"seed"`
}

// maxAudioSeconds bounds an uploaded recording.
const maxAudioSeconds = 60

func (p *AudioDenoiseParams) check(m *Model, in map[string][]byte, lim Limits) *APIError {
	if e := firstErr(rangeInt("params.samples", p.Samples, 1, 16), rangeInt("params.steps", p.Steps, 0, 1000),
		rangeFloat("params.eta", p.Eta, 0, 1), rangeFloat("params.temperature", p.Temperature, 0.01, 2),
		checkSampler("params.sampler", p.Sampler, p.Eta)); e != nil {
		return e
	}
	b, e := takeUpload("params.audio", &p.Audio, "a base64 WAV file", lim)
	if e != nil {
		return e
	}
	if _, err := decodeWAV(b, m.Audio.Config.Rate); err != nil {
		return badField("params.audio", CodeBadAudio, "%v", err)
	}
	in["audio"] = b
	return nil
}

// decodeWAV decodes an uploaded WAV file and conforms it to rate Hz mono,
// refusing recordings longer than maxAudioSeconds.
func decodeWAV(b []byte, rate int) (*audio.Audio, error) {
	a, _, err := audio.Decode("upload", b)
	if err != nil {
		return nil, err
	}
	if d := a.Duration(); d > maxAudioSeconds {
		return nil, fmt.Errorf("%.1f s of audio: want at most %d s", d, maxAudioSeconds)
	}
	c, _, err := audio.Conform(a, rate, 1)
	return c, err
}

func (p *AudioDenoiseParams) run(e *runEnv) error {
	m := e.model.Audio
	a, err := decodeWAV(e.inputs["audio"], m.Config.Rate)
	if err != nil {
		return fmt.Errorf("input audio: %w", err)
	}
	spec := sampler.Spec{Name: p.Sampler, Steps: p.Steps, Eta: p.Eta, Temperature: p.Temperature}
	y, err := diffwave.DenoiseClip(e.ctx, m, a.Data[0], p.Samples, diffwave.Options{Sampler: spec, Seed: p.Seed, Progress: e.progress})
	if err != nil {
		return err
	}
	// The keys `diffuse audio denoise` writes.
	st := map[string]string{"checkpoint_sha256": e.model.Hash, "sampler": spec.Name, "steps": strconv.Itoa(spec.StepCount(m.Config.Steps)),
		"samples": strconv.Itoa(p.Samples), "seed": strconv.FormatUint(p.Seed, 10), "input": "upload"}
	return e.write("denoised.wav", maps.Clone(st), func(w io.Writer) error { return diffwave.EncodeClip(w, y, m.Config.Rate, st) })
}

// takeUpload decodes the base64 file in *b64 (field), refusing an empty or
// too large one, and clears *b64 so that the stored parameters stay small.
func takeUpload(field string, b64 *string, what string, lim Limits) ([]byte, *APIError) {
	if *b64 == "" {
		return nil, badField(field, CodeInvalid, "want %s, got nothing", what)
	}
	s := *b64
	if i := strings.Index(s, ","); strings.HasPrefix(s, "data:") && i > 0 {
		s = s[i+1:] // a data: URL as a browser makes it
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, badField(field, CodeInvalid, "want %s: not base64: %v", what, err)
	}
	if len(b) > lim.MaxUpload {
		return nil, &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge, Field: field,
			Message: fmt.Sprintf("%s: %d bytes, over the upload limit of %d", field, len(b), lim.MaxUpload)}
	}
	*b64 = ""
	return b, nil
}
