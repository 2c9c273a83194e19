package optim_test

import (
	"math"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/optim"
)

func TestEMAUpdate(t *testing.T) {
	// s=0, p=1, decay 0.9: s ← 0.1 after one update, 0.19 after two.
	p := param("w", []float32{0}, nil)
	e := optim.NewEMA([]*nn.Param{p}, 0.9)
	p.V.Value.Data[0] = 1
	for i, want := range []float64{0.1, 0.19} {
		e.Update()
		if got := e.Shadow(0).Data[0]; !near(got, want, 1e-7) {
			t.Errorf("update %d: shadow = %v, want %v", i, got, want)
		}
	}
}

func TestEMAWarmupDecay(t *testing.T) {
	// d_k = 0 for k = 0, then min(decay, (1+k)/(10+k)).
	e := optim.NewEMA(nil, 0.5)
	e.Warmup = true
	for k, want := range []float64{0, 2.0 / 11, 3.0 / 12, 4.0 / 13, 5.0 / 14, 6.0 / 15, 7.0 / 16, 8.0 / 17, 0.5, 0.5} {
		if got := e.DecayAt(); math.Abs(got-want) > 1e-15 {
			t.Errorf("DecayAt after %d updates = %v, want %v", k, got, want)
		}
		e.Update()
	}
	if e.Steps() != 10 {
		t.Errorf("Steps() = %d, want 10", e.Steps())
	}
}

func TestEMASwapAndCopy(t *testing.T) {
	p := param("w", []float32{0, 0}, nil)
	e := optim.NewEMA([]*nn.Param{p}, 0.5)
	copy(p.V.Value.Data, []float32{2, 4})
	e.Update() // shadow = (1, 2)
	e.Swap()
	if d := p.V.Value.Data; d[0] != 1 || d[1] != 2 {
		t.Errorf("after Swap the parameter holds %v, want [1 2]", d)
	}
	e.Swap()
	if d := p.V.Value.Data; d[0] != 2 || d[1] != 4 {
		t.Errorf("after two Swaps the parameter holds %v, want [2 4]", d)
	}
	dst := param("w", []float32{9, 9}, nil)
	if err := e.CopyTo([]*nn.Param{dst}); err != nil {
		t.Fatal(err)
	}
	if d := dst.V.Value.Data; d[0] != 1 || d[1] != 2 {
		t.Errorf("CopyTo wrote %v, want [1 2]", d)
	}
	wrong := param("w", []float32{9, 9, 9}, nil)
	if err := e.CopyTo([]*nn.Param{wrong}); err == nil || !strings.Contains(err.Error(), "(3,)") {
		t.Errorf("CopyTo into a mis-shaped parameter: err = %v", err)
	}
	if wrong.V.Value.Data[0] != 9 {
		t.Error("failed CopyTo changed the destination")
	}
}

func TestEMALoadStateMissing(t *testing.T) {
	ps := model()
	s := optim.NewEMA(ps[:1], 0.9).State()
	err := optim.NewEMA(ps, 0.9).LoadState(s)
	if err == nil || !strings.Contains(err.Error(), `missing tensor "ema.layer.bias"`) {
		t.Errorf("LoadState without a shadow: err = %v", err)
	}
}
