package gradcheck

import (
	"fmt"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	msgs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) Helper() {}

// square is x² with a backward that is wrong by a factor when bad is set.
func square(bad bool) func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	return func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
		out := tensor.New(x.Value.Shape...)
		for i, v := range x.Value.Data {
			out.Data[i] = v * v
		}
		return g.Record(out, func(o *autograd.Var) {
			d := x.GradBuf().Data
			for i, v := range x.Value.Data {
				k := float32(2)
				if bad {
					k = 2.1
				}
				d[i] += k * v * o.Grad.Data[i]
			}
		}, x)
	}
}

func TestCheckerCatchesWrongGradient(t *testing.T) {
	r := &recorder{TB: t}
	Check(r, square(true), Rand([]int{3, 4}, 1), Tol{})
	if len(r.msgs) == 0 || !strings.Contains(r.msgs[0], "analytic") {
		t.Fatalf("gradcheck accepted a gradient 5%% off: %v", r.msgs)
	}
	ok := &recorder{TB: t}
	Check(ok, square(false), Rand([]int{3, 4}, 1), Tol{})
	if len(ok.msgs) != 0 {
		t.Fatalf("gradcheck rejected the right gradient: %v", ok.msgs)
	}
}

func TestCheckerCatchesMissingParamGradient(t *testing.T) {
	w := autograd.NewParam(Rand([]int{3}, 2))
	r := &recorder{TB: t}
	// uses w in the value but records no backward step for it
	Check(r, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
		out := tensor.New(3)
		for i := range out.Data {
			out.Data[i] = x.Value.Data[i] * w.Value.Data[i]
		}
		return g.Record(out, func(o *autograd.Var) {
			for i := range o.Grad.Data {
				x.GradBuf().Data[i] += o.Grad.Data[i] * w.Value.Data[i]
			}
		}, x)
	}, Rand([]int{3}, 3), Tol{}, w)
	if len(r.msgs) == 0 {
		t.Fatal("gradcheck accepted a parameter whose gradient was never computed")
	}
}
