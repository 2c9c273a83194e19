package optim_test

import (
	"math"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// model makes two parameters with fixed values.
func model() []*nn.Param {
	rng := tensor.NewRNG(1)
	return []*nn.Param{nn.NewParam("layer.weight", rng.Randn(3, 4)), nn.NewParam("layer.bias", rng.Randn(4))}
}

func cloneParams(ps []*nn.Param) []*nn.Param {
	out := make([]*nn.Param, len(ps))
	for i, p := range ps {
		out[i] = nn.NewParam(p.Name, p.V.Value.Clone())
	}
	return out
}

// feed sets gradients from a stream that depends only on step.
func feed(ps []*nn.Param, step int) {
	rng := tensor.NewRNG(uint64(100 + step))
	for _, p := range ps {
		p.V.Grad = rng.Randn(p.V.Value.Shape...)
	}
}

// roundTrip passes a state through the form a checkpoint stores: copied
// tensors and scalars encoded as strings.
func roundTrip(t *testing.T, s *optim.State, prefix string) *optim.State {
	t.Helper()
	scalars, err := optim.ParseScalars(s.Metadata(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	out := &optim.State{Tensors: map[string]*tensor.Tensor{}, Scalars: scalars}
	for k, v := range s.Tensors {
		out.Tensors[k] = v.Clone()
	}
	return out
}

func sameBits(t *testing.T, what string, a, b []*nn.Param) {
	t.Helper()
	for i := range a {
		for j, x := range a[i].V.Value.Data {
			if y := b[i].V.Value.Data[j]; math.Float32bits(x) != math.Float32bits(y) {
				t.Fatalf("%s: %s[%d] = %v after resume, %v without", what, a[i].Name, j, y, x)
			}
		}
	}
}

func TestExactResume(t *testing.T) {
	for _, tc := range []struct {
		name   string
		prefix string
		make   func([]*nn.Param) optim.Optimizer
	}{
		{"SGD", "sgd.", func(ps []*nn.Param) optim.Optimizer { return optim.NewSGD(ps, 0.01, 0.9, 1e-4) }},
		{"Adam", "adam.", func(ps []*nn.Param) optim.Optimizer { return optim.NewAdam(ps, 1e-2, 0.9, 0.999, 1e-8, 1e-4) }},
		{"AdamW", "adam.", func(ps []*nn.Param) optim.Optimizer { return optim.NewAdamW(ps, 1e-2, 0.9, 0.99, 1e-8, 0.01) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sched := optim.WarmupCosine{Peak: 1e-2, Floor: 1e-4, Warmup: 2, Total: 8}
			ps := model()
			opt := tc.make(ps)
			ema := optim.NewEMA(ps, 0.9)
			ema.Warmup = true
			step := 0
			for ; step < 4; step++ {
				feed(ps, step)
				opt.SetLR(sched.LR(step))
				if err := opt.Step(); err != nil {
					t.Fatal(err)
				}
				ema.Update()
			}
			// Save, then build a fresh optimiser and EMA on a copy and load.
			ps2 := cloneParams(ps)
			opt2 := tc.make(ps2)
			opt2.SetLR(123)
			if err := opt2.LoadState(roundTrip(t, opt.State(), tc.prefix)); err != nil {
				t.Fatal(err)
			}
			if opt2.LR() != opt.LR() {
				t.Errorf("resumed LR = %v, want %v", opt2.LR(), opt.LR())
			}
			ema2 := optim.NewEMA(ps2, 0.9)
			ema2.Warmup = true
			if err := ema2.LoadState(roundTrip(t, ema.State(), "ema.")); err != nil {
				t.Fatal(err)
			}
			for ; step < 8; step++ {
				for _, run := range []struct {
					ps  []*nn.Param
					opt optim.Optimizer
					ema *optim.EMA
				}{{ps, opt, ema}, {ps2, opt2, ema2}} {
					feed(run.ps, step)
					run.opt.SetLR(sched.LR(step))
					if err := run.opt.Step(); err != nil {
						t.Fatal(err)
					}
					run.ema.Update()
				}
			}
			sameBits(t, "parameters", ps, ps2)
			ema.Swap()
			ema2.Swap()
			sameBits(t, "EMA weights", ps, ps2)
		})
	}
}

func TestLoadStateReportsEveryMismatch(t *testing.T) {
	ps := model()
	s := optim.NewState()
	s.Tensors["adam.m.layer.weight"] = tensor.New(4, 3) // wrong shape
	s.Tensors["adam.v.layer.weight"] = tensor.New(3, 4)
	s.Tensors["adam.m.layer.bias"] = tensor.New(4) // v and step missing
	s.Tensors["adam.m.other"] = tensor.New(1)      // unexpected
	s.Scalars["adam.step.layer.weight"] = 2
	opt := optim.NewAdam(ps, 1e-3, 0.9, 0.999, 1e-8, 0)
	err := opt.LoadState(s)
	if err == nil {
		t.Fatal("LoadState accepted a mismatched state")
	}
	for _, want := range []string{`"adam.m.layer.weight" has shape (4, 3), want (3, 4)`, `parameter "layer.bias"`, `unexpected tensor "adam.m.other"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if n := len(opt.State().Tensors); n != 0 {
		t.Errorf("failed LoadState left %d tensors in the optimiser", n)
	}
}

func TestLoadStateRejectsBadStepCount(t *testing.T) {
	ps := model()
	feed(ps, 0)
	opt := optim.NewAdam(ps, 1e-3, 0.9, 0.999, 1e-8, 0)
	if err := opt.Step(); err != nil {
		t.Fatal(err)
	}
	s := opt.State()
	s.Scalars["adam.step.layer.bias"] = 1.5
	if err := optim.NewAdam(model(), 1e-3, 0.9, 0.999, 1e-8, 0).LoadState(s); err == nil || !strings.Contains(err.Error(), "whole number") {
		t.Errorf("LoadState with step 1.5: err = %v, want a whole-number complaint", err)
	}
}

func TestParseScalars(t *testing.T) {
	s := optim.NewState()
	s.Scalars["adam.lr"] = 0.1 + 0.2 // not exactly 0.3: the string form must keep every bit
	s.Scalars["adam.step.w"] = 1234567
	meta := s.Metadata()
	meta["model"] = "unet" // another owner's entry, ignored
	got, err := optim.ParseScalars(meta, "adam.")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["adam.lr"] != 0.1+0.2 || got["adam.step.w"] != 1234567 {
		t.Errorf("ParseScalars = %v, want %v", got, s.Scalars)
	}
	meta["adam.bad"] = "x"
	if _, err := optim.ParseScalars(meta, "adam."); err == nil || !strings.Contains(err.Error(), `"adam.bad"`) {
		t.Errorf("ParseScalars with a non-number: err = %v", err)
	}
}
