package pipeline_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

func tinyModel() pipeline.Model {
	cfg := unet.Config{ImageSize: 8, InChannels: 1, OutChannels: 1, Channels: 8, ChannelMult: []int{1, 2},
		ResBlocks: 1, AttentionResolutions: []int{}, Heads: 1, Classes: 3, Groups: 4}
	return pipeline.Model{UNet: cfg, Schedule: schedule.Config{Name: "linear", Steps: 100}, Target: diffusion.Eps}
}

// trainedCheckpoint trains a tiny model for two steps and saves it.
func trainedCheckpoint(t *testing.T) (string, *train.Trainer) {
	t.Helper()
	m := tinyModel()
	p, err := pipeline.New(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	imgs := tensor.NewRNG(2).Rand(-1, 1, 8, 1, 8, 8)
	b, err := train.TensorBatches(imgs, []int{0, 1, 2, 0, 1, 2, 0, 1}, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := train.New(p.Net, &train.Objective{Schedule: p.Schedule, Target: m.Target, Weighting: diffusion.Uniform,
		LabelDropout: 0.5, NullLabel: 3, Conditional: true}, b, train.Options{Steps: 2, LR: 1e-3, EMADecay: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := tr.Save(path, m.Meta()); err != nil {
		t.Fatal(err)
	}
	return path, tr
}

func TestLoadAndGenerateIsRepeatable(t *testing.T) {
	path, _ := trainedCheckpoint(t)
	gen := func(seed uint64, name string) *tensor.Tensor {
		p, err := pipeline.Load(path, true)
		if err != nil {
			t.Fatal(err)
		}
		x, err := p.Generate(context.Background(), pipeline.Options{N: 3, Labels: []int{0, 1, 2}, Guidance: 2,
			Sampler: sampler.Spec{Name: name, Steps: 4}, Seed: seed, Threshold: true})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(x.Shape, []int{3, 1, 8, 8}) {
			t.Fatalf("shape %v, want [3 1 8 8]", x.Shape)
		}
		return x
	}
	for _, name := range []string{"ddim", "ddpm", "dpmpp2m", "heun", "euler"} {
		a, b, c := gen(7, name), gen(7, name), gen(8, name)
		if !slices.Equal(a.Data, b.Data) {
			t.Errorf("%s: the same seed gave different images", name)
		}
		if slices.Equal(a.Data, c.Data) {
			t.Errorf("%s: different seeds gave the same images", name)
		}
		for _, v := range a.Data {
			if v < -1 || v > 1 {
				t.Fatalf("%s: pixel %g outside [-1, 1]", name, v)
			}
		}
	}
}

func TestLoadEMAOrRawWeights(t *testing.T) {
	path, tr := trainedCheckpoint(t)
	raw, err := pipeline.Load(path, false)
	if err != nil {
		t.Fatal(err)
	}
	ema, err := pipeline.Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	w := tr.Params()[0].V.Value.Data
	if !slices.Equal(raw.Net.Params()[0].V.Value.Data, w) {
		t.Error("raw weights differ from the trained parameters")
	}
	tr.EMA.Swap()
	if !slices.Equal(ema.Net.Params()[0].V.Value.Data, tr.Params()[0].V.Value.Data) {
		t.Error("EMA weights differ from the trainer's average")
	}
}

func TestGenerateRefusesBadLabels(t *testing.T) {
	p, err := pipeline.New(tinyModel(), 1)
	if err != nil {
		t.Fatal(err)
	}
	spec := sampler.Spec{Name: "ddim", Steps: 2}
	for _, c := range []struct {
		opts pipeline.Options
		want string
	}{
		{pipeline.Options{N: 2, Labels: []int{0}, Sampler: spec}, "1 labels for 2 images"},
		{pipeline.Options{N: 1, Labels: []int{4}, Sampler: spec}, "want a class in 0..2, or 3"},
		{pipeline.Options{N: 0, Sampler: spec}, "n: want ≥ 1"},
		{pipeline.Options{N: 1, Sampler: sampler.Spec{Name: "lms"}}, "unknown name"},
	} {
		_, err := p.Generate(context.Background(), c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Generate(%+v) = %v, want an error containing %q", c.opts, err, c.want)
		}
	}
}

func TestLoadRefusesAFileWithoutModel(t *testing.T) {
	_, tr := trainedCheckpoint(t)
	path := filepath.Join(t.TempDir(), "bare.safetensors")
	if err := tr.Save(path, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.Load(path, true); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Load of a checkpoint without a model entry = %v, want an error naming the file", err)
	}
}

// Splitting the network calls into chunks of MaxBatch images gives the
// same images as one call.
func TestMaxBatchChunksGiveTheSameImages(t *testing.T) {
	path, _ := trainedCheckpoint(t)
	gen := func(maxBatch int) []float32 {
		p, err := pipeline.Load(path, true)
		if err != nil {
			t.Fatal(err)
		}
		p.MaxBatch = maxBatch
		x, err := p.Generate(context.Background(), pipeline.Options{N: 5, Labels: []int{0, 1, 2, 0, 1}, Guidance: 2,
			Sampler: sampler.Spec{Name: "ddim", Steps: 3}, Seed: 4})
		if err != nil {
			t.Fatal(err)
		}
		return x.Data
	}
	if !slices.Equal(gen(0), gen(3)) {
		t.Error("chunks of 3 gave other images than one call")
	}
}

// With an item-wise sampler, images lo..hi−1 of one Generate call equal a
// call for hi−lo images with First lo, for every split: an image's noise
// comes from (Seed, its index) alone. A batch-coupled sampler (DDPM) is
// not item-wise, and the split changes its images.
func TestGenerateFirstSplitsTheRun(t *testing.T) {
	path, _ := trainedCheckpoint(t)
	p, err := pipeline.Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	labels := []int{0, 1, 2, 0, 1}
	gen := func(spec sampler.Spec, lo, hi int) []float32 {
		x, err := p.Generate(context.Background(), pipeline.Options{N: hi - lo, Labels: labels[lo:hi], Guidance: 2,
			Sampler: spec, Seed: 4, First: lo})
		if err != nil {
			t.Fatal(err)
		}
		return x.Data
	}
	per := 8 * 8
	for _, spec := range []sampler.Spec{{Name: "dpmpp2m", Steps: 3}, {Name: "ddim", Steps: 3}, {Name: "euler", Steps: 2}} {
		if !spec.ItemWise() {
			t.Fatalf("%s: want item-wise", spec.Name)
		}
		whole := gen(spec, 0, 5)
		for _, cut := range [][2]int{{0, 1}, {1, 3}, {3, 5}, {4, 5}} {
			if got := gen(spec, cut[0], cut[1]); !slices.Equal(got, whole[cut[0]*per:cut[1]*per]) {
				t.Errorf("%s: images %d..%d drawn alone differ from the whole run's", spec.Name, cut[0], cut[1]-1)
			}
		}
	}
	ddpm := sampler.Spec{Name: "ddpm", Steps: 3}
	if ddpm.ItemWise() || slices.Equal(gen(ddpm, 1, 3), gen(ddpm, 0, 5)[per:3*per]) {
		t.Error("ddpm: want a batch-coupled sampler whose images depend on the split")
	}
	if _, err := p.Generate(context.Background(), pipeline.Options{N: 1, Labels: []int{0}, Sampler: ddpm, First: -1}); err == nil {
		t.Error("First −1: want an error")
	}
}

// One call with Items draws the images of several runs (other seeds,
// counts, classes and first indices), each bit for bit as its own call
// draws it; a batch-coupled sampler is refused.
func TestGenerateItemsEqualSeparateCalls(t *testing.T) {
	path, _ := trainedCheckpoint(t)
	p, err := pipeline.Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	runs := []struct {
		seed   uint64
		first  int
		labels []int
	}{{seed: 4, labels: []int{0, 1, 2}}, {seed: 9, first: 2, labels: []int{2}}, {seed: 4, first: 7, labels: []int{1, 1}}}
	per := 8 * 8
	for _, spec := range []sampler.Spec{{Name: "dpmpp2m", Steps: 3}, {Name: "ddim", Steps: 3}, {Name: "heun", Steps: 2}} {
		var want []float32
		var items []sampler.Item
		var labels []int
		for _, r := range runs {
			x, err := p.Generate(context.Background(), pipeline.Options{N: len(r.labels), Labels: r.labels, Guidance: 2,
				Sampler: spec, Seed: r.seed, First: r.first, Threshold: true})
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, x.Data...)
			for i := range r.labels {
				items = append(items, sampler.Item{Seed: r.seed, Index: r.first + i})
			}
			labels = append(labels, r.labels...)
		}
		got, err := p.Generate(context.Background(), pipeline.Options{N: len(items), Labels: labels, Guidance: 2,
			Sampler: spec, Seed: 123, Items: items, Threshold: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range items {
			if !slices.Equal(got.Data[i*per:(i+1)*per], want[i*per:(i+1)*per]) {
				t.Errorf("%s: image %d (seed %d, index %d) of the joint call differs from its own call's", spec.Name, i, items[i].Seed, items[i].Index)
			}
		}
	}
	for _, c := range []struct {
		opts pipeline.Options
		want string
	}{
		{pipeline.Options{N: 1, Labels: []int{0}, Sampler: sampler.Spec{Name: "ddpm", Steps: 2}, Items: []sampler.Item{{Seed: 1}}}, "couples the images"},
		{pipeline.Options{N: 1, Labels: []int{0}, Sampler: sampler.Spec{Name: "ddim", Steps: 2, Eta: 1}, Items: []sampler.Item{{Seed: 1}}}, "couples the images"},
		{pipeline.Options{N: 2, Labels: []int{0, 1}, Sampler: sampler.Spec{Name: "euler", Steps: 2}, Items: []sampler.Item{{Seed: 1}}}, "1 streams for 2 images"},
		{pipeline.Options{N: 1, Labels: []int{0}, Sampler: sampler.Spec{Name: "euler", Steps: 2}, Items: []sampler.Item{{Seed: 1, Index: -1}}}, "items[0].index"},
	} {
		if _, err := p.Generate(context.Background(), c.opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Generate with items %+v = %v, want an error containing %q", c.opts.Items, err, c.want)
		}
	}
}
