package autograd

import (
	"math"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Softmax is exp(x − max) / Σ exp(x − max) along axis (negative counts
// from the end), so that every slice along axis sums to 1. Subtracting the
// slice's maximum keeps exp from overflowing. The output has x's shape.
func (g *Graph) Softmax(x *Var, axis int) *Var { return g.softmax("Softmax", x, axis, false) }

// LogSoftmax is log Softmax(x, axis) = x − max − log Σ exp(x − max),
// computed without forming the softmax, so it stays finite where the
// softmax underflows to 0.
func (g *Graph) LogSoftmax(x *Var, axis int) *Var { return g.softmax("LogSoftmax", x, axis, true) }

// softmaxLayout splits shape around axis into (outer, n, inner): element
// (o, j, i) of the slice layout is at (o·n + j)·inner + i.
func softmaxLayout(op string, shape []int, axis int) (outer, n, inner int) {
	r := len(shape)
	if axis < -r || axis >= r {
		tensor.Shapef(op, [][]int{shape}, "axis %d out of range for rank %d", axis, r)
	}
	if axis < 0 {
		axis += r
	}
	outer, n, inner = tensor.Numel(shape[:axis]), shape[axis], tensor.Numel(shape[axis+1:])
	return
}

func (g *Graph) softmax(op string, x *Var, axis int, logOut bool) *Var {
	outer, n, inner := softmaxLayout(op, x.Value.Shape, axis)
	out := g.alloc(x.Value.Shape...)
	X, Y := x.Value.Data, out.Data
	rows := outer * inner
	grain := max(1, 4096/max(1, n))
	parallel.For(rows, grain, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			base := (r/inner)*n*inner + r%inner
			m := float32(math.Inf(-1))
			for j := 0; j < n; j++ {
				m = max(m, X[base+j*inner])
			}
			var s float64
			for j := 0; j < n; j++ {
				s += math.Exp(float64(X[base+j*inner] - m))
			}
			if logOut {
				lse := float64(m) + math.Log(s)
				for j := 0; j < n; j++ {
					Y[base+j*inner] = float32(float64(X[base+j*inner]) - lse)
				}
			} else {
				inv := 1 / s
				for j := 0; j < n; j++ {
					Y[base+j*inner] = float32(math.Exp(float64(X[base+j*inner]-m)) * inv)
				}
			}
		}
	})
	return g.Record(out, func(o *Var) {
		if !x.requiresGrad {
			return
		}
		dY, dX := o.Grad.Data, x.GradBuf().Data
		parallel.For(rows, grain, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				base := (r/inner)*n*inner + r%inner
				var s float64 // Σ dy·y (softmax) or Σ dy (log-softmax)
				for j := 0; j < n; j++ {
					k := base + j*inner
					if logOut {
						s += float64(dY[k])
					} else {
						s += float64(dY[k]) * float64(Y[k])
					}
				}
				for j := 0; j < n; j++ {
					k := base + j*inner
					if logOut { // dx = dy − softmax·Σ dy
						dX[k] += float32(float64(dY[k]) - math.Exp(float64(Y[k]))*s)
					} else { // dx = y·(dy − Σ dy·y)
						dX[k] += float32(float64(Y[k]) * (float64(dY[k]) - s))
					}
				}
			}
		})
	}, x)
}
