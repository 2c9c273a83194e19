package optim

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Optimizer updates parameters from their gradients.
type Optimizer interface {
	// Step applies one update. It returns an error wrapping
	// autograd.ErrNonFinite, and changes nothing, if a gradient holds a
	// NaN or an infinity. Parameters without a gradient are skipped.
	Step() error
	// ZeroGrad zeroes every parameter's gradient.
	ZeroGrad()
	// LR and SetLR read and set the learning rate.
	LR() float64
	SetLR(lr float64)
	// State returns the optimiser's state as named tensors (moment buffers
	// under "<kind>.<buffer>.<param name>", counters as one-element
	// tensors), for checkpoints.
	State() map[string]*tensor.Tensor
	// LoadState restores a State; names and shapes must match.
	LoadState(map[string]*tensor.Tensor) error
}

// checkFinite returns an error wrapping autograd.ErrNonFinite naming the
// first parameter whose gradient is not finite.
func checkFinite(params []*nn.Param) error {
	for _, p := range params {
		if g := p.V.Grad; g != nil && !g.AllFinite() {
			return fmt.Errorf("gradient of %s: %w", p.Name, autograd.ErrNonFinite)
		}
	}
	return nil
}

// buffers makes one zero buffer per parameter.
func buffers(params []*nn.Param) []*tensor.Tensor {
	bs := make([]*tensor.Tensor, len(params))
	for i, p := range params {
		bs[i] = tensor.New(p.V.Value.Shape...)
	}
	return bs
}

// saveBuffers adds bufs under prefix.<param name> to st.
func saveBuffers(st map[string]*tensor.Tensor, prefix string, params []*nn.Param, bufs []*tensor.Tensor) {
	for i, p := range params {
		st[prefix+"."+p.Name] = bufs[i].Clone()
	}
}

// loadBuffers copies st's prefix.<param name> tensors into bufs after
// checking that every one is present with the right shape.
func loadBuffers(st map[string]*tensor.Tensor, prefix string, params []*nn.Param, bufs []*tensor.Tensor) error {
	for i, p := range params {
		t, ok := st[prefix+"."+p.Name]
		if !ok {
			return fmt.Errorf("optimizer state: missing %s.%s", prefix, p.Name)
		}
		if !tensor.SameShape(t.Shape, bufs[i].Shape) {
			return fmt.Errorf("optimizer state: %s.%s has shape %s, want %s", prefix, p.Name, tensor.FormatShape(t.Shape), tensor.FormatShape(bufs[i].Shape))
		}
	}
	for i, p := range params {
		bufs[i].CopyFrom(st[prefix+"."+p.Name])
	}
	return nil
}

// scalarState reads a one-element tensor from st.
func scalarState(st map[string]*tensor.Tensor, name string) (float64, error) {
	t, ok := st[name]
	if !ok || t.Len() != 1 {
		return 0, fmt.Errorf("optimizer state: missing or malformed %s", name)
	}
	return float64(t.Data[0]), nil
}

// ClipGradNorm scales all gradients by maxNorm/(total+1e-6) when their
// global L2 norm exceeds maxNorm, as torch.nn.utils.clip_grad_norm_ does,
// and returns the norm before clipping (accumulated in float64).
func ClipGradNorm(params []*nn.Param, maxNorm float64) float64 {
	var sq float64
	for _, p := range params {
		if g := p.V.Grad; g != nil {
			for _, v := range g.Data {
				sq += float64(v) * float64(v)
			}
		}
	}
	total := math.Sqrt(sq)
	if total > maxNorm {
		scale := float32(maxNorm / (total + 1e-6))
		for _, p := range params {
			if g := p.V.Grad; g != nil {
				for i := range g.Data {
					g.Data[i] *= scale
				}
			}
		}
	}
	return total
}
