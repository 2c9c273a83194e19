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
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// srModel is a tiny x2 super-resolution model of 8×8 grey images.
func srModel(residual bool) pipeline.Model {
	cfg := unet.Config{ImageSize: 8, InChannels: 2, OutChannels: 1, Channels: 8, ChannelMult: []int{1, 2},
		ResBlocks: 1, AttentionResolutions: []int{}, Heads: 1, Groups: 4}
	return pipeline.Model{UNet: cfg, Schedule: schedule.Config{Name: "cosine", Steps: 100}, Target: diffusion.Eps,
		Cond: &pipeline.Cond{Task: pipeline.TaskSuperRes, Factor: 2, Upsample: "bicubic", Channels: 1, Residual: residual}}
}

func TestCondSplitAndJoin(t *testing.T) {
	x := tensor.NewRNG(1).Rand(-1, 1, 3, 1, 8, 8)
	_, up, err := restore.SuperResPair(x, 2, "bicubic")
	if err != nil {
		t.Fatal(err)
	}
	for _, residual := range []bool{false, true} {
		c := srModel(residual).Cond
		x0, cond, err := c.Split(x)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(cond.Data, up.Data) {
			t.Errorf("residual %v: condition is not the bicubic enlargement of the 4×4 image", residual)
		}
		for i := range x0.Data {
			want := x.Data[i]
			if residual {
				want -= up.Data[i]
			}
			if x0.Data[i] != want {
				t.Fatalf("residual %v: x0[%d] = %v, want %v", residual, i, x0.Data[i], want)
			}
		}
	}
	// Join puts x_t's channels first, then the condition's, image by image.
	c := &pipeline.Cond{Task: pipeline.TaskPaired, Channels: 3}
	xt, cond := tensor.NewRNG(2).Rand(-1, 1, 2, 1, 4, 4), tensor.NewRNG(3).Rand(-1, 1, 2, 3, 4, 4)
	in, err := c.Join(xt, cond)
	if err != nil {
		t.Fatal(err)
	}
	if got := tensor.FormatShape(in.Shape); got != tensor.FormatShape([]int{2, 4, 4, 4}) {
		t.Fatalf("Join shape = %s, want (2, 4, 4, 4)", got)
	}
	for i := range 2 {
		item := in.Data[i*64 : (i+1)*64]
		if !slices.Equal(item[:16], xt.Data[i*16:(i+1)*16]) || !slices.Equal(item[16:], cond.Data[i*48:(i+1)*48]) {
			t.Errorf("image %d: Join is not x_t then the condition", i)
		}
	}
	// A paired batch splits back into what was joined.
	x0, back, err := c.Split(in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x0.Data, xt.Data) || !slices.Equal(back.Data, cond.Data) {
		t.Error("paired Split does not undo Join")
	}
}

func TestCondValidate(t *testing.T) {
	ok := pipeline.Cond{Task: pipeline.TaskSuperRes, Factor: 2, Upsample: "bicubic", Channels: 1}
	cases := []struct {
		name    string
		edit    func(c *pipeline.Cond)
		in, out int
		want    string
	}{
		{"channels do not add up", func(c *pipeline.Cond) {}, 3, 1, "want in = out + 1"},
		{"factor 3", func(c *pipeline.Cond) { c.Factor = 3 }, 2, 1, "factor: want 2 or 4"},
		{"unknown upsampling", func(c *pipeline.Cond) { c.Upsample = "lanczos" }, 2, 1, "upsample"},
		{"unknown task", func(c *pipeline.Cond) { c.Task = "colour" }, 2, 1, "task"},
		{"paired with a factor", func(c *pipeline.Cond) { c.Task = pipeline.TaskPaired }, 2, 1, "no factor"},
		{"residual paired", func(c *pipeline.Cond) { c.Task, c.Factor, c.Residual = pipeline.TaskPaired, 0, true }, 2, 1, "residual"},
		{"superres changes channels", func(c *pipeline.Cond) { c.Channels = 3 }, 4, 1, "condition channels 3 ≠ image channels 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.edit(&c)
			err := c.Validate(tc.in, tc.out, 8)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if err := ok.Validate(2, 1, 8); err != nil {
		t.Errorf("Validate(valid) = %v", err)
	}
}

// srTrainer is a trainer of srModel on 8 random images, batch 4, with the
// pipeline whose network it trains.
func srTrainer(t *testing.T, steps int) (*train.Trainer, pipeline.Model, *pipeline.Pipeline) {
	t.Helper()
	m := srModel(true)
	p, err := pipeline.New(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := train.TensorBatches(tensor.NewRNG(2).Rand(-1, 1, 8, 1, 8, 8), nil, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := train.New(p.Net, &train.Objective{Schedule: p.Schedule, Target: m.Target, Weighting: diffusion.Uniform, Cond: m.Cond},
		b, train.Options{Steps: steps, LR: 1e-3, EMADecay: 0.9, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	return tr, m, p
}

// TestConditionalTrainingResumesExactly: 2 steps, save, load into a fresh
// trainer, 2 more steps give the bits of 4 uninterrupted steps.
func TestConditionalTrainingResumesExactly(t *testing.T) {
	straight, m, _ := srTrainer(t, 4)
	if err := straight.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	first, _, _ := srTrainer(t, 4)
	for range 2 {
		if _, err := first.TrainStep(); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "sr.safetensors")
	if err := first.Save(path, m.Meta()); err != nil {
		t.Fatal(err)
	}
	resumed, _, _ := srTrainer(t, 4)
	if err := resumed.Load(path); err != nil {
		t.Fatal(err)
	}
	if err := resumed.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, p := range straight.Params() {
		if !slices.Equal(p.V.Value.Data, resumed.Params()[i].V.Value.Data) {
			t.Fatalf("parameter %s differs after resuming", p.Name)
		}
	}
	// The checkpoint says what it is conditioned on and loads as such.
	p, err := pipeline.Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Model.Cond; c == nil || *c != *m.Cond {
		t.Fatalf("loaded Cond = %+v, want %+v", c, m.Cond)
	}
}

func TestSuperResolveIsRepeatableAndKeepsRange(t *testing.T) {
	tr, m, trained := srTrainer(t, 2)
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	p := &pipeline.Pipeline{Model: m, Net: trained.Net}
	var err error
	if p.Schedule, err = m.Schedule.Build(); err != nil {
		t.Fatal(err)
	}
	low := tensor.NewRNG(7).Rand(-1, 1, 3, 1, 4, 4)
	opts := pipeline.Options{Sampler: sampler.Spec{Name: "dpmpp2m", Steps: 4}, Seed: 9}
	a, err := p.SuperResolve(context.Background(), low, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.SuperResolve(context.Background(), low, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := tensor.FormatShape(a.Shape); got != tensor.FormatShape([]int{3, 1, 8, 8}) {
		t.Fatalf("SuperResolve shape = %s, want (3, 1, 8, 8)", got)
	}
	if !slices.Equal(a.Data, b.Data) {
		t.Error("the same seed gave different images")
	}
	for i, v := range a.Data {
		if v < -1 || v > 1 {
			t.Fatalf("pixel %d = %v, outside [-1, 1]", i, v)
		}
	}
	// One item of a chunked batch is the same as the item alone.
	p.MaxBatch = 1
	c, err := p.SuperResolve(context.Background(), low, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Data, c.Data) {
		t.Error("MaxBatch 1 changed the images: the condition is not chunked with x_t")
	}
	mean, err := p.TranslateMean(context.Background(), must(p.LowResCondition(low)), opts, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Data, mean.Data) {
		t.Error("TranslateMean of one sample differs from SuperResolve")
	}
}

func must(x *tensor.Tensor, err error) *tensor.Tensor {
	if err != nil {
		panic(err)
	}
	return x
}

func TestConditionalModelsRefuseBadInputs(t *testing.T) {
	ctx := context.Background()
	opts := pipeline.Options{Sampler: sampler.Spec{Name: "euler", Steps: 2}}
	sr, err := pipeline.New(srModel(false), 1)
	if err != nil {
		t.Fatal(err)
	}
	paired := srModel(false)
	paired.Cond = &pipeline.Cond{Task: pipeline.TaskPaired, Channels: 1}
	pp, err := pipeline.New(paired, 1)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := pipeline.New(tinyModel(), 1)
	if err != nil {
		t.Fatal(err)
	}
	rng := tensor.NewRNG(1)
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"low resolution of the wrong size", func() error {
			_, err := sr.SuperResolve(ctx, rng.Rand(-1, 1, 2, 1, 8, 8), opts)
			return err
		}, "want (N, 1, 4, 4) (the model's 8×8 / factor 2), got (2, 1, 8, 8)"},
		{"wrong channel count", func() error {
			_, err := sr.SuperResolve(ctx, rng.Rand(-1, 1, 2, 3, 4, 4), opts)
			return err
		}, "got (2, 3, 4, 4)"},
		{"paired model given to superres", func() error {
			_, err := pp.SuperResolve(ctx, rng.Rand(-1, 1, 2, 1, 4, 4), opts)
			return err
		}, `not a super-resolution model (task "paired")`},
		{"unconditional model given to superres", func() error {
			_, err := plain.SuperResolve(ctx, rng.Rand(-1, 1, 2, 1, 4, 4), opts)
			return err
		}, "not a super-resolution model (task none"},
		{"unconditional model given to translate", func() error {
			_, err := plain.Translate(ctx, rng.Rand(-1, 1, 2, 1, 8, 8), opts)
			return err
		}, "no image condition"},
		{"condition of the wrong size", func() error {
			_, err := pp.Translate(ctx, rng.Rand(-1, 1, 2, 1, 4, 4), opts)
			return err
		}, "want (N, 1, 8, 8), got (2, 1, 4, 4)"},
		{"labels for an image-conditioned model", func() error {
			o := opts
			o.Labels = []int{0, 1}
			_, err := pp.Translate(ctx, rng.Rand(-1, 1, 2, 1, 8, 8), o)
			return err
		}, "leave them unset"},
		{"generate from an image-conditioned model", func() error {
			_, err := sr.Generate(ctx, pipeline.Options{N: 1, Sampler: opts.Sampler})
			return err
		}, "use Translate or SuperResolve"},
		{"no samples to average", func() error {
			_, err := pp.TranslateMean(ctx, rng.Rand(-1, 1, 2, 1, 8, 8), opts, 0)
			return err
		}, "samples: want ≥ 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
	bad := srModel(false)
	bad.UNet.InChannels = 1
	if _, err := pipeline.New(bad, 1); err == nil || !strings.Contains(err.Error(), "want in = out + 1") {
		t.Errorf("New(model whose channels do not fit its condition) = %v", err)
	}
}

// TestUnconditionalMetaHasNoCond: a model without a condition writes the
// header it always did, so old checkpoints and resumes compare equal.
func TestUnconditionalMetaHasNoCond(t *testing.T) {
	meta := tinyModel().Meta()[pipeline.ConfigKey]
	if strings.Contains(meta, "cond") {
		t.Errorf("header %s mentions cond", meta)
	}
}
