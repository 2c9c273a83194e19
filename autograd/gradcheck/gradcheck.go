// Package gradcheck compares the gradients that autograd computes with
// central finite differences. Every op and layer test in diffusego uses it.
//
// The scalar checked is L = Σ out·R with a fixed random upstream gradient R
// (not ones, so that errors cannot cancel), summed in float64. Each checked
// element x is moved to x ± h and (L(x+h) − L(x−h)) / 2h is compared with
// the analytic gradient. Tensors hold float32, so h is a careful step (1e-2
// by default, relative to max(1, |x|)) and tolerances are ~1e-2.
package gradcheck

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// Tol sets how close numeric and analytic gradients must be: an element
// passes when |num − ana| ≤ Abs + Rel·max(|num|, |ana|).
type Tol struct {
	Rel, Abs float64
	// Step is the finite-difference step h (default 1e-2).
	Step float64
	// MaxPerTensor caps how many elements of each tensor are checked
	// (default 64; chosen at random, always including the first and last).
	MaxPerTensor int
}

func (t Tol) withDefaults() Tol {
	if t.Rel == 0 {
		t.Rel = 1e-2
	}
	if t.Abs == 0 {
		t.Abs = 1e-3
	}
	if t.Step == 0 {
		t.Step = 1e-2
	}
	if t.MaxPerTensor == 0 {
		t.MaxPerTensor = 64
	}
	return t
}

// Rand returns a tensor of the given shape with N(0, 1) entries from seed.
func Rand(shape []int, seed uint64) *tensor.Tensor {
	return tensor.NewRNG(seed).Randn(shape...)
}

// Check checks the gradient of f with respect to its input x and to each
// of params (the layer's parameters, which f closes over).
func Check(t testing.TB, f func(g *autograd.Graph, x *autograd.Var) *autograd.Var, x *tensor.Tensor, tol Tol, params ...*autograd.Var) {
	t.Helper()
	CheckN(t, func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var { return f(g, xs[0]) }, []*tensor.Tensor{x}, tol, params...)
}

// CheckN checks the gradient of f with respect to each of its inputs xs
// and each of params.
func CheckN(t testing.TB, f func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var, xs []*tensor.Tensor, tol Tol, params ...*autograd.Var) {
	t.Helper()
	tol = tol.withDefaults()
	inputs := make([]*autograd.Var, len(xs))
	for i, x := range xs {
		inputs[i] = autograd.NewParam(x.Clone())
	}
	for _, p := range params {
		p.Grad = nil
	}
	g := autograd.New()
	out := f(g, inputs...)
	r := tensor.NewRNG(12345).Randn(out.Value.Shape...)
	if err := g.BackwardWith(out, r); err != nil {
		t.Fatalf("gradcheck: backward: %v", err)
	}
	loss := func() float64 {
		o := f(autograd.NoGrad(), inputs...)
		var s float64
		for i, v := range o.Value.Data {
			s += float64(v) * float64(r.Data[i])
		}
		return s
	}
	checked := append(append([]*autograd.Var(nil), inputs...), params...)
	for vi, v := range checked {
		name := "param"
		if vi < len(inputs) {
			name = "input"
		}
		var ana []float32
		if v.Grad != nil {
			ana = v.Grad.Data
		}
		data := v.Value.Data
		rng := tensor.NewRNG(uint64(vi) + 7)
		for _, i := range pick(len(data), tol.MaxPerTensor, rng) {
			orig := data[i]
			h := tol.Step * math.Max(1, math.Abs(float64(orig)))
			data[i] = float32(float64(orig) + h)
			hp := float64(data[i]) - float64(orig)
			lp := loss()
			data[i] = float32(float64(orig) - h)
			hm := float64(orig) - float64(data[i])
			lm := loss()
			data[i] = orig
			num := (lp - lm) / (hp + hm)
			a := 0.0
			if ana != nil {
				a = float64(ana[i])
			}
			if d := math.Abs(num - a); d > tol.Abs+tol.Rel*math.Max(math.Abs(num), math.Abs(a)) {
				t.Errorf("gradcheck: %s %d (shape %v) element %d: analytic %.6g, numeric %.6g", name, vi, v.Value.Shape, i, a, num)
				return
			}
		}
	}
}

// pick returns up to max distinct indices below n: the first, the last and
// random ones in between.
func pick(n, max int, rng *tensor.RNG) []int {
	if n <= max {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	seen := map[int]bool{0: true, n - 1: true}
	idx := []int{0, n - 1}
	for len(idx) < max {
		i := rng.Intn(n)
		if !seen[i] {
			seen[i] = true
			idx = append(idx, i)
		}
	}
	return idx
}
