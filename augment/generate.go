package augment

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/models/classifier"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
)

// classStride separates the noise streams of the classes: attempt j of
// class c draws its noise from (Seed, c·classStride + j) alone, so a class's
// images do not change when other classes' counts do.
const classStride = 1 << 20

// ImageOptions are the settings of GenerateImages; with the model they
// fix the images bit for bit.
type ImageOptions struct {
	Guidance float64      // classifier-free guidance scale (1 plain conditional; 0 means 1)
	Sampler  sampler.Spec // a sampler whose items do not interact (Spec.ItemWise); default DPM-Solver++(2M), 20 steps
	Seed     uint64
	Batch    int // images per sampling call (default 64)
	// Filter, when set with MinConfidence > 0, keeps an image of class c
	// only when Filter's softmax gives c at least MinConfidence. Images
	// are drawn until each class has its count or MaxTries·count attempts
	// were made (default 4).
	// ModelClass maps data class c to the model's class ModelClass[c];
	// nil maps c to c.
	ModelClass    []int
	Filter        *classifier.CNN
	MinConfidence float64
	MaxTries      int
	Progress      func(msg string) // may be nil
}

// ClassReport counts what GenerateImages drew for one class.
type ClassReport struct {
	Class     string `json:"class"`
	Requested int    `json:"requested"`
	Drawn     int    `json:"drawn"`    // images sampled
	Kept      int    `json:"kept"`     // images written (≤ requested)
	Rejected  int    `json:"rejected"` // below the confidence threshold (for text also empty completions)
}

// GenerateImages draws counts[c] images of every class c from p (model
// class c for data class c) and returns them with a report per class. Image
// j of class c is named syn-c-j.png by its attempt index j.
func GenerateImages(ctx context.Context, p *pipeline.Pipeline, classes []string, counts []int, opt ImageOptions) (*Images, []ClassReport, error) {
	if opt.Sampler.Name == "" {
		opt.Sampler = sampler.Spec{Name: "dpmpp2m", Steps: 20}
	}
	if !opt.Sampler.ItemWise() {
		return nil, nil, fmt.Errorf("augment: sampler %q: its images depend on their batch; use dpmpp2m, euler, heun or ddim with eta 0 so that the same settings give the same images", opt.Sampler.Name)
	}
	if opt.Batch <= 0 {
		opt.Batch = 64
	}
	if opt.MaxTries <= 0 {
		opt.MaxTries = 4
	}
	if math.IsNaN(opt.MinConfidence) || opt.MinConfidence < 0 || opt.MinConfidence > 1 {
		return nil, nil, fmt.Errorf("augment: minimum confidence %g: want a probability in [0, 1]", opt.MinConfidence)
	}
	if opt.MinConfidence > 0 && opt.Filter == nil {
		return nil, nil, fmt.Errorf("augment: a minimum confidence needs a classifier to filter with")
	}
	cfg := p.Model.UNet
	if err := CheckClasses("the data", len(classes), cfg.Classes); err != nil {
		return nil, nil, err
	}
	if len(counts) != len(classes) {
		return nil, nil, fmt.Errorf("augment: %d counts for %d classes", len(counts), len(classes))
	}
	modelClass := opt.ModelClass
	if modelClass == nil {
		modelClass = make([]int, len(classes))
		for c := range modelClass {
			modelClass[c] = c
		}
	}
	if len(modelClass) != len(classes) {
		return nil, nil, fmt.Errorf("augment: %d model classes for %d data classes", len(modelClass), len(classes))
	}
	for c, k := range modelClass {
		if k < 0 || k >= cfg.Classes {
			return nil, nil, &ClassError{Source: fmt.Sprintf("class %s (model class %d)", classes[c], k), DataClasses: k + 1, ModelKnows: cfg.Classes}
		}
	}
	per := cfg.InChannels * cfg.ImageSize * cfg.ImageSize
	total := 0
	for _, n := range counts {
		total += n
	}
	out := &Images{X: tensor.New(total, cfg.InChannels, cfg.ImageSize, cfg.ImageSize), Classes: classes}
	reports := make([]ClassReport, len(classes))
	filled := 0
	for c, want := range counts {
		r := &reports[c]
		r.Class, r.Requested = classes[c], want
		for r.Kept < want && r.Drawn < opt.MaxTries*want {
			n := min(opt.Batch, want-r.Kept)
			if opt.MinConfidence > 0 { // draw a little more than is missing
				n = min(opt.Batch, max(n, 8))
			}
			labels := make([]int, n)
			for i := range labels {
				labels[i] = modelClass[c]
			}
			x, err := p.Generate(ctx, pipeline.Options{N: n, Labels: labels, Guidance: opt.Guidance,
				Sampler: opt.Sampler, Seed: opt.Seed, First: modelClass[c]*classStride + r.Drawn, Threshold: true})
			if err != nil {
				return nil, nil, fmt.Errorf("augment: class %s: %w", classes[c], err)
			}
			var conf []float64
			if opt.MinConfidence > 0 { // the filter classifies data classes
				conf = Confidence(opt.Filter, x, c)
			}
			for i := range n {
				if r.Kept == want {
					break
				}
				if conf != nil && conf[i] < opt.MinConfidence {
					r.Rejected++
					continue
				}
				copy(out.X.Data[filled*per:(filled+1)*per], x.Data[i*per:(i+1)*per])
				out.Labels = append(out.Labels, c)
				out.Names = append(out.Names, fmt.Sprintf("syn-%s-%06d.png", classes[c], r.Drawn+i))
				filled++
				r.Kept++
			}
			r.Drawn += n
			if opt.Progress != nil {
				opt.Progress(fmt.Sprintf("class %s: %d/%d kept, %d drawn", classes[c], r.Kept, want, r.Drawn))
			}
		}
	}
	if filled < total {
		out.X = tensor.FromData(out.X.Data[:filled*per], filled, cfg.InChannels, cfg.ImageSize, cfg.ImageSize)
	}
	return out, reports, nil
}

// Confidence returns, for each image of x, the probability m's softmax
// gives class c.
func Confidence(m *classifier.CNN, x *tensor.Tensor, c int) []float64 {
	n := x.Dim(0)
	per := x.Len() / max(n, 1)
	out := make([]float64, 0, n)
	for lo := 0; lo < n; lo += 500 {
		hi := min(lo+500, n)
		part := tensor.FromData(x.Data[lo*per:hi*per], append([]int{hi - lo}, x.Shape[1:]...)...)
		logits := m.Forward(autograd.NoGrad(), autograd.NewVar(part)).Value
		k := logits.Dim(1)
		for i := range hi - lo {
			row := logits.Data[i*k : (i+1)*k]
			mx := row[0]
			for _, v := range row {
				mx = max(mx, v)
			}
			sum := 0.0
			for _, v := range row {
				sum += math.Exp(float64(v - mx))
			}
			out = append(out, math.Exp(float64(row[c]-mx))/sum)
		}
	}
	return out
}

// TrainFilter fits a classifier.CNN to the real images (steps Adam steps of
// batch 32, seeded) for GenerateImages to filter with: its confidence is
// what a model trained on the real data alone believes of a synthetic
// image. Images must be square with a side divisible by 4.
func TrainFilter(ctx context.Context, real *Images, steps int, seed uint64) (*classifier.CNN, error) {
	c, h, w := real.X.Dim(1), real.X.Dim(2), real.X.Dim(3)
	if h != w || h%4 != 0 {
		return nil, fmt.Errorf("augment: filter classifier: images %d×%d: want square images with a side divisible by 4", h, w)
	}
	cfg := classifier.DefaultConfig()
	cfg.InChannels, cfg.Size, cfg.Classes = c, h, len(real.Classes)
	m := classifier.New(cfg, tensor.NewRNG(seed))
	batch := min(32, real.Len())
	perEpoch := max(real.Len()/batch, 1)
	err := classifier.Train(ctx, m, real.X, real.Labels, classifier.TrainConfig{Epochs: (steps + perEpoch - 1) / perEpoch, Batch: batch, LR: 2e-3, Seed: seed + 1})
	if err != nil {
		return nil, fmt.Errorf("augment: filter classifier: %w", err)
	}
	return m, nil
}
