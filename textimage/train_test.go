package textimage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// fakePictures are n random 16×16 pictures captioned from captions in turn.
type fakePictures struct{ x *tensor.Tensor }

func newFakePictures(n int) fakePictures {
	return fakePictures{x: tensor.NewRNG(8).Rand(-1, 1, n, 3, 16, 16)}
}

func (f fakePictures) Len() int { return f.x.Shape[0] }

func (f fakePictures) Captions(idx []int) []string {
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = captions[j%len(captions)]
	}
	return out
}

func (f fakePictures) Batch(idx []int) (*tensor.Tensor, error) {
	per := 3 * 16 * 16
	x := tensor.New(len(idx), 3, 16, 16)
	for i, j := range idx {
		copy(x.Data[i*per:(i+1)*per], f.x.Data[j*per:(j+1)*per])
	}
	return x, nil
}

func trainOpts(out string, steps int) TrainOptions {
	return TrainOptions{Out: out, Steps: steps, Batch: 3, LR: 1e-3, Warmup: -1, EMA: 0.9, Seed: 2, CheckpointEvery: 2, Keep: 2}
}

// TestTrainResumeExact: Train writes the run folder, keeps the newest two
// checkpoints and train-stats.json; a run of 4 steps interrupted after
// step 2 (it saves a checkpoint) and resumed from it ends with the same
// weights, EMA, optimiser state and losses, bit for bit, as an
// uninterrupted one; the folder loads and samples. Time budget: about
// a second (latent, 4 steps of 3 pictures, twice).
func TestTrainResumeExact(t *testing.T) {
	dir := t.TempDir()
	pics, idx := newFakePictures(6), []int{0, 1, 2, 3, 5}
	whole := filepath.Join(dir, "whole")
	stats, err := Train(context.Background(), tiny(t, true), pics, idx, trainOpts(whole, 4))
	if err != nil {
		t.Fatal(err)
	}
	if stats.Steps != 4 || stats.Pictures != 5 || stats.FirstStep != 0 || stats.Space != Latent {
		t.Errorf("stats %+v: want 4 steps, 5 pictures, first step 0, latent", stats)
	}
	list, err := checkpoint.List(whole)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || filepath.Base(list[0]) != "ckpt-000002.safetensors" || filepath.Base(list[1]) != "ckpt-000004.safetensors" {
		t.Errorf("checkpoints %v: want steps 2 and 4 (keep 2)", list)
	}
	for _, f := range []string{SpecFile, StatsFile, filepath.Join(AutoencoderDir, "autoencoder.json")} {
		if _, err := os.Stat(filepath.Join(whole, f)); err != nil {
			t.Errorf("run folder: %v", err)
		}
	}

	// The same run interrupted after step 2 (as Ctrl-C would), then resumed.
	split := filepath.Join(dir, "split")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := trainOpts(split, 4)
	o.Hooks = []train.Hook{{Every: 2, Do: func(int) error { cancel(); return nil }}}
	if _, err := Train(ctx, tiny(t, true), pics, idx, o); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: err = %v, want context.Canceled", err)
	}
	ckpt := filepath.Join(split, "ckpt-000002.safetensors")
	m, err := Load(ckpt, "", false)
	if err != nil {
		t.Fatal(err)
	}
	o = trainOpts(split, 4)
	o.Resume = ckpt
	stats, err = Train(context.Background(), m, pics, idx, o)
	if err != nil {
		t.Fatal(err)
	}
	if stats.FirstStep != 2 || stats.Steps != 4 {
		t.Errorf("resumed stats %+v: want first step 2, steps 4", stats)
	}
	a, err := checkpoint.ReadFile(filepath.Join(whole, "ckpt-000004.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := checkpoint.ReadFile(filepath.Join(split, "ckpt-000004.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Tensors) != len(b.Tensors) {
		t.Fatalf("%d tensors against %d", len(a.Tensors), len(b.Tensors))
	}
	for name, ta := range a.Tensors {
		tb, ok := b.Tensors[name]
		if !ok {
			t.Fatalf("tensor %q missing from the resumed run", name)
		}
		for i := range ta.Data {
			if ta.Data[i] != tb.Data[i] {
				t.Fatalf("tensor %q value %d: %v in one run, %v resumed: want the same bits", name, i, ta.Data[i], tb.Data[i])
			}
		}
	}
	got, err := Load(filepath.Join(whole, "ckpt-000004.safetensors"), "", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := got.Sample(context.Background(), []string{"red car"}, SampleOptions{Sampler: ddim(2)}); err != nil {
		t.Error(err)
	}
}

// TestTrainCancelAndBadOptions: a cancelled run saves a checkpoint and
// returns the cancellation; bad options and an empty training set are
// refused before anything is written.
func TestTrainCancelAndBadOptions(t *testing.T) {
	dir := t.TempDir()
	pics := newFakePictures(4)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(dir, "cancelled")
	if _, err := Train(ctx, tiny(t, false), pics, []int{0, 1, 2}, trainOpts(out, 50)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: err = %v, want context.Canceled", err)
	}
	if list, _ := checkpoint.List(out); len(list) != 1 {
		t.Errorf("cancelled run: checkpoints %v, want the one saved on cancellation", list)
	}
	cases := map[string]func(o *TrainOptions) ([]int, string){
		"no output": func(o *TrainOptions) ([]int, string) { o.Out = ""; return []int{0}, "no output folder" },
		"no steps":  func(o *TrainOptions) ([]int, string) { o.Steps = 0; return []int{0}, "want positive steps" },
		"no pictures": func(o *TrainOptions) ([]int, string) {
			return nil, "no pictures to train on"
		},
	}
	for name, bad := range cases {
		o := trainOpts(filepath.Join(dir, strings.ReplaceAll(name, " ", "-")), 2)
		idx, want := bad(&o)
		if _, err := Train(context.Background(), tiny(t, false), pics, idx, o); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want one containing %q", name, err, want)
		}
		if o.Out != "" {
			if _, err := os.Stat(o.Out); err == nil {
				t.Errorf("%s: %s written after a refusal", name, o.Out)
			}
		}
	}
}
