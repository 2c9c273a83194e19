package train_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// convNet is a one-layer denoiser; it ignores t and y, which is enough to
// exercise the trainer's bookkeeping.
type convNet struct{ conv *nn.Conv2d }

func newConvNet(ch int, seed uint64) *convNet {
	return &convNet{nn.NewConv2d("conv", ch, ch, 3, 1, 1, true, tensor.NewRNG(seed))}
}

func (n *convNet) Forward(g *autograd.Graph, x *autograd.Var, t []float64, y []int) *autograd.Var {
	return n.conv.Forward(g, x)
}
func (n *convNet) Params() []*nn.Param { return n.conv.Params() }

func toyData(t *testing.T) *train.Batches {
	t.Helper()
	imgs := tensor.NewRNG(5).Rand(-1, 1, 20, 1, 6, 6)
	labels := make([]int, 20)
	for i := range labels {
		labels[i] = i % 3
	}
	b, err := train.TensorBatches(imgs, labels, 6, 11)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newTrainer(t *testing.T, steps int, seed uint64) *train.Trainer {
	t.Helper()
	obj := &train.Objective{Schedule: schedule.NewLinear(100, 1e-4, 0.02), Target: diffusion.Eps,
		Weighting: diffusion.MinSNR, Gamma: 5, LabelDropout: 0.2, NullLabel: 3, Conditional: true}
	tr, err := train.New(newConvNet(1, seed), obj, toyData(t), train.Options{
		Steps: steps, LR: 1e-2, LRSchedule: "cosine", Warmup: 2, ClipNorm: 1, EMADecay: 0.9, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func paramsEqual(t *testing.T, a, b []*nn.Param) {
	t.Helper()
	for i := range a {
		if !slices.Equal(a[i].V.Value.Data, b[i].V.Value.Data) {
			t.Fatalf("parameter %s differs", a[i].Name)
		}
	}
}

// A run stopped after 4 of 9 steps (across an epoch boundary: 3 batches per
// epoch) and resumed from its checkpoint ends with the same bits as one
// that never stopped: parameters, EMA and loss history.
func TestResumeIsExact(t *testing.T) {
	const steps, stop = 9, 4
	whole := newTrainer(t, steps, 1)
	if err := whole.Run(context.Background()); err != nil {
		t.Fatal(err)
	}

	first := newTrainer(t, steps, 1)
	for first.Step < stop {
		if _, err := first.TrainStep(); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "ckpt.safetensors")
	if err := first.Save(path, map[string]string{"note": "half"}); err != nil {
		t.Fatal(err)
	}
	resumed := newTrainer(t, steps, 99) // other init: Load must overwrite it
	if err := resumed.Load(path); err != nil {
		t.Fatal(err)
	}
	if resumed.Step != stop {
		t.Fatalf("resumed at step %d, want %d", resumed.Step, stop)
	}
	if err := resumed.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	paramsEqual(t, whole.Params(), resumed.Params())
	if !slices.Equal(whole.Losses, resumed.Losses) {
		t.Errorf("loss history differs:\n whole   %v\n resumed %v", whole.Losses, resumed.Losses)
	}
	whole.EMA.Swap()
	resumed.EMA.Swap()
	paramsEqual(t, whole.Params(), resumed.Params())
}

func TestLoadRefusesAnotherModelAndChangesNothing(t *testing.T) {
	other, err := train.New(newConvNet(2, 1), &train.Objective{Schedule: schedule.NewLinear(100, 1e-4, 0.02),
		Target: diffusion.Eps, Weighting: diffusion.Uniform}, mustBatches(t, 2), train.Options{Steps: 3, LR: 1e-3, EMADecay: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.TrainStep(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "other.safetensors")
	if err := other.Save(path, nil); err != nil {
		t.Fatal(err)
	}
	tr := newTrainer(t, 5, 1)
	before := tensor.FromData(slices.Clone(tr.Params()[0].V.Value.Data), tr.Params()[0].V.Value.Shape...)
	err = tr.Load(path)
	if err == nil {
		t.Fatal("a checkpoint of a 2-channel model loaded into a 1-channel one")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "conv.weight") {
		t.Errorf("error %q should name the file and the tensor", err)
	}
	if !slices.Equal(before.Data, tr.Params()[0].V.Value.Data) || tr.Step != 0 {
		t.Error("a refused checkpoint changed the trainer")
	}
}

func mustBatches(t *testing.T, ch int) *train.Batches {
	t.Helper()
	b, err := train.TensorBatches(tensor.NewRNG(1).Randn(8, ch, 4, 4), nil, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// With a network that always answers 0 and target x_0 under uniform
// weighting, the loss is exactly the mean square of the data.
func TestObjectiveKnownLoss(t *testing.T) {
	x0 := tensor.Full(0.5, 3, 1, 2, 2)
	obj := &train.Objective{Schedule: schedule.NewCosine(50, 0.008), Target: diffusion.X0, Weighting: diffusion.Uniform}
	zero := nn.NewConv2d("zero", 1, 1, 1, 1, 0, false, tensor.NewRNG(1))
	zero.Weight.V.Value.Zero()
	net := &convNet{zero}
	l, err := obj.Loss(autograd.New(), net, x0, nil, tensor.NewRNG(2))
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Value.Data[0]; math.Abs(float64(got)-0.25) > 1e-7 {
		t.Errorf("loss = %g, want 0.25", got)
	}
	obj.Target = "score"
	if _, err := obj.Loss(autograd.New(), net, x0, nil, tensor.NewRNG(2)); err == nil {
		t.Error("an unknown target was accepted")
	}
}

type nanNet struct{ convNet }

func (n *nanNet) Forward(g *autograd.Graph, x *autograd.Var, t []float64, y []int) *autograd.Var {
	return g.Log(g.Scale(n.conv.Forward(g, x), 0)) // log 0 → −Inf
}

func TestNonFiniteLossStopsBeforeAnyChange(t *testing.T) {
	net := &nanNet{*newConvNet(2, 1)}
	tr, err := train.New(net, &train.Objective{Schedule: schedule.NewLinear(100, 1e-4, 0.02),
		Target: diffusion.Eps, Weighting: diffusion.Uniform}, mustBatches(t, 2), train.Options{Steps: 3, LR: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	before := slices.Clone(net.conv.Weight.V.Value.Data)
	err = tr.Run(context.Background())
	if !errors.Is(err, autograd.ErrNonFinite) {
		t.Fatalf("Run = %v, want ErrNonFinite", err)
	}
	if !slices.Equal(before, net.conv.Weight.V.Value.Data) || tr.Step != 0 {
		t.Error("a non-finite loss changed the parameters")
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	tr := newTrainer(t, 50, 1)
	ctx, cancel := context.WithCancel(context.Background())
	tr.Hooks = []train.Hook{{Every: 2, Do: func(step int) error { cancel(); return nil }}}
	err := tr.Run(ctx)
	if !errors.Is(err, context.Canceled) || tr.Step != 2 {
		t.Errorf("Run after cancel at step 2 = %v at step %d, want context.Canceled at step 2", err, tr.Step)
	}
}

func TestLoadWeightsEMAOrRaw(t *testing.T) {
	tr := newTrainer(t, 3, 1)
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := tr.Save(path, nil); err != nil {
		t.Fatal(err)
	}
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	net := newConvNet(1, 7)
	if err := train.LoadWeights(f, path, net.Params(), false); err != nil {
		t.Fatal(err)
	}
	paramsEqual(t, tr.Params(), net.Params())
	if err := train.LoadWeights(f, path, net.Params(), true); err != nil {
		t.Fatal(err)
	}
	tr.EMA.Swap()
	paramsEqual(t, tr.Params(), net.Params())
}

func TestBatchesCoverEachEpochOnce(t *testing.T) {
	imgs := tensor.New(10, 1)
	for i := range imgs.Data {
		imgs.Data[i] = float32(i)
	}
	b, err := train.TensorBatches(imgs, nil, 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	for epoch := range 2 {
		var seen []float32
		for s := range 2 {
			x, _, e, err := b.Batch(epoch*2 + s)
			if err != nil || e != epoch {
				t.Fatalf("step %d: epoch %d, want %d", epoch*2+s, e, epoch)
			}
			seen = append(seen, x.Data...)
		}
		slices.Sort(seen)
		if !slices.Equal(seen, imgs.Data) {
			t.Errorf("epoch %d visited %v, want each item once", epoch, seen)
		}
	}
	if _, err := train.TensorBatches(imgs, []int{1}, 5, 3); err == nil {
		t.Error("1 label for 10 images was accepted")
	}
}
