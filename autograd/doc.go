// Package autograd is diffusego's reverse-mode automatic differentiation.
//
// A Var holds a tensor value and, after Backward, the gradient of a loss
// with respect to it. Ops are methods of a Graph: each computes its output
// and, when the graph records and an input needs a gradient, pushes onto
// the graph's tape a closure that turns the output's gradient into its
// inputs' gradients. Backward runs the tape in reverse.
//
// Recording is an explicit value, not a global mode: training passes a
// graph from New, sampling passes NoGrad(), which records nothing and so
// keeps no activations alive. Training and serving can share a process.
//
//	g := autograd.New()
//	w := autograd.NewParam(tensor.FromData([]float32{2}, 1, 1))
//	x := autograd.NewVar(tensor.FromData([]float32{3}, 1, 1))
//	loss := g.Sum(g.MatMul(x, w), nil, false)
//	_ = g.Backward(loss) // w.Grad = [[3]]
//
// A backward step writes each input's share of the gradient in one of
// three ways. Most add into Var.GradBuf, zeroed on first use. An op that
// writes every element of an input's gradient asks Var.GradDst, which on
// the first contribution hands over a buffer that is not zeroed and says
// to set it (as adding into zeros would: 0 + c), saving a pass over the
// buffer: the convolutions (Winograd's output transform, the implicit
// GEMM's epilogue), the norms, Concat, Permute, Slice, Sum, the
// broadcasts and UpsampleNearest2d do. An op whose input's gradient is its output's, whole and
// unchanged (Reshape, Add), passes the output's buffer on instead of
// copying it, since nothing reads the output's gradient after its step.
//
// Shapes that do not fit make an op panic with a *tensor.ShapeError that
// names the op and the shapes; entry points recover it with tensor.Recover.
package autograd
