package jobs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
)

// SampleSpec is what diffuse sample draws: n images of a model with one
// sampler and seed. Image i's noise derives from (Seed, i) alone, so any
// range of images can be drawn on its own and gives the same bytes (for
// samplers whose images do not depend on their batch, sampler.Spec.ItemWise).
type SampleSpec struct {
	Checkpoint  string // as given (file or run folder), recorded by base name; "" for the shipped model
	Hash        string // SHA-256 of the checkpoint file, recorded in every PNG
	N           int    // images in the whole job
	Class       int    // class of every image; −1 cycles through the classes
	Guidance    float64
	Sampler     string
	Steps       int // 0: the sampler's usual count
	Eta         float64
	Seed        uint64
	Temperature float64
	Raw         bool    // raw weights instead of the EMA
	Threshold   bool    // clip the predicted clean image to [−1, 1] at every step
	Batch       int     // images per network batch; recorded for samplers whose batch shares noise
	SigmaMax    float64 // noise level sampling starts from (sampler.Spec.SigmaMax); 0: the schedule's largest
}

// SamplerSpec is the sampler.Spec the spec names.
func (s SampleSpec) SamplerSpec() sampler.Spec {
	return sampler.Spec{Name: s.Sampler, Steps: s.Steps, Eta: s.Eta, Temperature: s.Temperature, SigmaMax: s.SigmaMax}
}

// Sampling is a SampleSpec bound to its model: what draws and encodes
// images.
type Sampling struct {
	SampleSpec
	P      *pipeline.Pipeline
	Labels []int // class of every image of the job; nil for an unconditional model or guidance 0
	cond   []int // the labels the network is given (pipeline.SampleLabels)
	steps  int
}

// Prepare binds the spec to the model p, refusing a class the model lacks.
// A distilled student (pipeline.Student) samples with its own schedule:
// the spec's sampler, steps and guidance become the student's, and steps
// or guidance other than 0 and the student's are refused.
func (s SampleSpec) Prepare(p *pipeline.Pipeline) (*Sampling, error) {
	if st := p.Model.Student; st != nil {
		spec, err := st.Spec(s.SamplerSpec(), s.Guidance)
		if err != nil {
			return nil, requestf("%v", err)
		}
		s.Sampler, s.Steps, s.Eta, s.Guidance = spec.Name, spec.Steps, 0, st.Guidance
	}
	classes := p.Model.UNet.Classes
	if s.Class >= 0 && (classes == 0 || s.Class >= classes) {
		return nil, requestf("--class %d: the model has %d classes", s.Class, classes)
	}
	if s.Guidance == 0 && s.Class >= 0 {
		return nil, requestf("--class %d with --guidance 0: guidance 0 samples the unconditional model, which has no class; leave --class out", s.Class)
	}
	if s.Batch < 1 {
		return nil, requestf("--batch: want ≥ 1, got %d", s.Batch)
	}
	cond, named := pipeline.SampleLabels(s.N, s.Class, classes, s.Guidance)
	return &Sampling{SampleSpec: s, P: p, Labels: named, cond: cond,
		steps: s.SamplerSpec().StepCount(p.Schedule.Steps())}, nil
}

// Generate draws the images [lo, hi) of the job in one network batch:
// (hi−lo, C, H, W) in [−1, 1]. visit, when not nil, sees every step.
func (s *Sampling) Generate(ctx context.Context, lo, hi int, visit func(i int, x *tensor.Tensor)) (*tensor.Tensor, error) {
	opts := pipeline.Options{N: hi - lo, Guidance: s.Guidance, Sampler: s.SamplerSpec(),
		Seed: s.Seed, First: lo, Threshold: s.Threshold, Visit: visit}
	if s.cond != nil {
		opts.Labels = s.cond[lo:hi]
	}
	return s.P.Generate(ctx, opts)
}

// Name is the file name of image i: INDEX_cCLASS.png, or INDEX.png for an
// unconditional model.
func (s *Sampling) Name(i int) string {
	if s.Labels != nil {
		return fmt.Sprintf("%06d_c%d.png", i, s.Labels[i])
	}
	return fmt.Sprintf("%06d.png", i)
}

// Meta is the settings every PNG of the job carries as text chunks; i < 0
// for a picture of many images (no index and class). A precision other
// than fp32 (kernels.SetPrecision) is recorded as "precision".
func (s *Sampling) Meta(i int) map[string]string {
	m := map[string]string{"checkpoint_sha256": s.Hash, "sampler": s.Sampler, "steps": strconv.Itoa(s.steps),
		"seed": strconv.FormatUint(s.Seed, 10), "n": strconv.Itoa(s.N), "index": strconv.Itoa(i),
		"guidance": fmt.Sprint(s.Guidance), "temperature": fmt.Sprint(s.Temperature), "eta": fmt.Sprint(s.Eta),
		"weights": WeightsName(s.Raw), "threshold": strconv.FormatBool(s.Threshold)}
	if !s.SamplerSpec().ItemWise() {
		m["batch"] = strconv.Itoa(s.Batch) // the batch shares step noise
	}
	if s.SigmaMax != 0 {
		m["sigma_max"] = fmt.Sprint(s.SigmaMax)
	}
	if s.Labels != nil && i >= 0 {
		m["class"] = strconv.Itoa(s.Labels[i])
	}
	if s.Checkpoint != "" {
		m["checkpoint"] = filepath.Base(s.Checkpoint)
	}
	if p := kernels.ForwardPrecision(); p != kernels.FP32 { // fp32 images keep their bytes
		m["precision"] = p.String()
	}
	return m
}

// Encode writes image i, one: (1, C, H, W), as a PNG with its settings.
func (s *Sampling) Encode(w io.Writer, one *tensor.Tensor, i int) error {
	img, err := pngout.Grid(one, 1, 0)
	if err != nil {
		return err
	}
	return pngout.Encode(w, img, s.Meta(i))
}

// File is a named file's bytes.
type File struct {
	Name string
	Data []byte
}

// Images draws the images [lo, hi) of the job in batches of Batch and
// returns them as PNG files, named and encoded as diffuse sample writes
// them.
func (s *Sampling) Images(ctx context.Context, lo, hi int) ([]File, error) {
	var files []File
	for a := lo; a < hi; a += s.Batch {
		b := min(a+s.Batch, hi)
		x, err := s.Generate(ctx, a, b, nil)
		if err != nil {
			return nil, err
		}
		per := x.Len() / (b - a)
		for i := a; i < b; i++ {
			one := tensor.FromData(x.Data[(i-a)*per:(i-a+1)*per], append([]int{1}, x.Shape[1:]...)...)
			var buf bytes.Buffer
			if err := s.Encode(&buf, one, i); err != nil {
				return nil, err
			}
			files = append(files, File{Name: s.Name(i), Data: buf.Bytes()})
		}
	}
	return files, nil
}
