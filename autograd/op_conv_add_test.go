package autograd_test

import (
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestConv2dAddGrad(t *testing.T) {
	for _, c := range []struct {
		shift, res bool
		stride     int
	}{{true, false, 1}, {false, true, 1}, {true, true, 2}} {
		t.Run(fmt.Sprintf("shift=%v_res=%v_stride%d", c.shift, c.res, c.stride), func(t *testing.T) {
			w := autograd.NewParam(gradcheck.Rand([]int{4, 3, 3, 3}, 31))
			b := autograd.NewParam(gradcheck.Rand([]int{4}, 32))
			oh := (5+2-3)/c.stride + 1
			var shift, res *autograd.Var
			ps := []*autograd.Var{w, b}
			if c.shift {
				shift = autograd.NewParam(gradcheck.Rand([]int{2, 4}, 33))
				ps = append(ps, shift)
			}
			if c.res {
				res = autograd.NewParam(gradcheck.Rand([]int{2, 4, oh, oh}, 34))
				ps = append(ps, res)
			}
			gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
				return g.Conv2dAdd(x, w, b, c.stride, 1, 1, shift, res)
			}, gradcheck.Rand([]int{2, 3, 5, 5}, 35), gradcheck.Tol{}, ps...)
		})
	}
}

// TestConv2dAddMatchesUnfused checks the fused op against Conv2d followed
// by the two broadcast adds: the same bits.
func TestConv2dAddMatchesUnfused(t *testing.T) {
	rng := tensor.NewRNG(36)
	x := autograd.NewVar(rng.Randn(3, 5, 6, 7))
	w := autograd.NewVar(rng.Randn(6, 5, 3, 3))
	b := autograd.NewVar(rng.Randn(6))
	shift := autograd.NewVar(rng.Randn(3, 6))
	res := autograd.NewVar(rng.Randn(3, 6, 6, 7))
	g := autograd.NoGrad()
	got := g.Conv2dAdd(x, w, b, 1, 1, 1, shift, res)
	want := g.Add(g.Add(g.Conv2d(x, w, b, 1, 1, 1), g.Reshape(shift, 3, 6, 1, 1)), res)
	for i, v := range want.Data() {
		if got.Data()[i] != v {
			t.Fatalf("Conv2dAdd[%d] = %v, unfused %v", i, got.Data()[i], v)
		}
	}
}

func TestConv2dAddShapeErrors(t *testing.T) {
	x := autograd.NewVar(tensor.New(2, 3, 5, 5))
	w := autograd.NewVar(tensor.New(4, 3, 3, 3))
	for name, f := range map[string]func(){
		"shift": func() { autograd.NoGrad().Conv2dAdd(x, w, nil, 1, 1, 1, autograd.NewVar(tensor.New(2, 3)), nil) },
		"res":   func() { autograd.NoGrad().Conv2dAdd(x, w, nil, 1, 1, 1, nil, autograd.NewVar(tensor.New(2, 4, 4, 5))) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if _, ok := recover().(*tensor.ShapeError); !ok {
					t.Errorf("Conv2dAdd with a wrong %s did not panic with a *tensor.ShapeError", name)
				}
			}()
			f()
		})
	}
}
