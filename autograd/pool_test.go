package autograd

import (
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// poolNet is a small U-Net-like computation touching every op that takes
// its output from the pool, plus views (Reshape) that must not be given
// back. It returns the loss and one intermediate Var.
func poolNet(g *Graph, x, w1, w2, gn, gb, lin *Var) (loss, mid *Var) {
	h := g.Conv2d(x, w1, nil, 1, 1, 1)              // (2, 4, 6, 6)
	h = g.GroupNormSiLU(h, 2, gn, gb, 1e-5)         // pooled output
	skip := h                                       // read again by Concat below
	h = g.Conv2dAdd(h, w2, nil, 1, 1, 1, nil, skip) // residual folded in
	up := g.UpsampleNearest2d(g.AvgPool2d(h, 2, 2), 2)
	h = g.Concat(1, g.Add(up, skip), h)    // (2, 8, 6, 6)
	flat := g.Reshape(g.SiLU(h), 2, 8*36)  // a view of what SiLU's backward reads: never given back
	a := g.Softmax(g.MatMul(flat, lin), 1) // (2, 3)
	s := g.Slice(g.SiLU(a), 1, 0, 2)
	return g.Mean(g.Mul(s, s), nil, false), h
}

// TestPooledGraphMatchesPlain runs the same forward and backward on a plain
// graph and three times on pooled graphs (the later runs reuse the buffers
// the earlier ones gave back): every gradient must be bit-identical, the
// leaves untouched, and the intermediate values released.
func TestPooledGraphMatchesPlain(t *testing.T) {
	rng := tensor.NewRNG(3)
	x := NewParam(rng.Rand(-1, 1, 2, 3, 6, 6))
	params := []*Var{
		NewParam(rng.Rand(-0.5, 0.5, 4, 3, 3, 3)),
		NewParam(rng.Rand(-0.5, 0.5, 4, 4, 3, 3)),
		NewParam(rng.Rand(0.5, 1.5, 4)),
		NewParam(rng.Rand(-0.1, 0.1, 4)),
		NewParam(rng.Rand(-0.1, 0.1, 8*36, 3)),
	}
	leaves := append([]*Var{x}, params...)
	before := make([]*tensor.Tensor, len(leaves))
	for i, v := range leaves {
		before[i] = v.Value.Clone()
	}
	run := func(g *Graph) (grads []*tensor.Tensor, loss float32, mid *Var) {
		for _, v := range leaves {
			v.Grad = nil
		}
		l, m := poolNet(g, x, params[0], params[1], params[2], params[3], params[4])
		loss = l.Value.Data[0]
		if err := g.Backward(l); err != nil {
			t.Fatal(err)
		}
		for _, v := range leaves {
			grads = append(grads, v.Grad.Clone())
		}
		return grads, loss, m
	}
	want, wantLoss, plainMid := run(New())
	if plainMid.Value == nil {
		t.Fatal("plain graph: intermediate value released; only pooled graphs may do that")
	}
	for r := range 3 {
		got, loss, mid := run(NewPooled())
		if loss != wantLoss {
			t.Fatalf("pooled run %d: loss %v, plain %v", r, loss, wantLoss)
		}
		for i := range want {
			for j := range want[i].Data {
				if got[i].Data[j] != want[i].Data[j] {
					t.Fatalf("pooled run %d: leaf %d gradient [%d] = %v, plain %v", r, i, j, got[i].Data[j], want[i].Data[j])
				}
			}
		}
		if mid.Value != nil {
			t.Errorf("pooled run %d: intermediate value still held after Backward", r)
		}
	}
	for i, v := range leaves {
		for j := range v.Value.Data {
			if v.Value.Data[j] != before[i].Data[j] {
				t.Fatalf("leaf %d changed at [%d]: pooled Backward gave back a buffer it did not own", i, j)
			}
		}
	}
}

// TestTakeZeroes checks that a reused buffer comes back zeroed and shaped.
func TestTakeZeroes(t *testing.T) {
	for range 4 {
		a := take(3, 5)
		for i, v := range a.Data {
			if v != 0 {
				t.Fatalf("take: element %d = %v, want 0", i, v)
			}
		}
		if !tensor.SameShape(a.Shape, []int{3, 5}) {
			t.Fatalf("take: shape %v, want [3 5]", a.Shape)
		}
		a.Fill(7)
		a.Shape = []int{15}
		give(a)
	}
}

// TestNoGradPooledMatchesNoGrad runs forward passes on three inputs, on
// NoGrad graphs and on NoGradPooled graphs released after each pass
// (keeping the output, a view of a pooled buffer): the outputs must be
// bit-identical, and each kept output must survive the later passes.
func TestNoGradPooledMatchesNoGrad(t *testing.T) {
	rng := tensor.NewRNG(4)
	w1, w2 := NewVar(rng.Rand(-0.5, 0.5, 4, 3, 3, 3)), NewVar(rng.Rand(-0.5, 0.5, 4, 4, 3, 3))
	gn, gb := NewVar(rng.Rand(0.5, 1.5, 4)), NewVar(rng.Rand(-0.1, 0.1, 4))
	forward := func(g *Graph, x *Var) *Var {
		h := g.GroupNormSiLU(g.Conv2d(x, w1, nil, 1, 1, 1), 2, gn, gb, 1e-5)
		h = g.Conv2dAdd(h, w2, nil, 1, 1, 1, nil, h)
		return g.Reshape(g.Concat(1, h, g.SiLU(h)), 2, -1)
	}
	var want, kept []*tensor.Tensor
	for r := range 3 {
		x := NewVar(rng.Rand(-1, 1, 2, 3, 6, 6))
		want = append(want, forward(NoGrad(), x).Value.Clone())
		g := NoGradPooled()
		out := forward(g, x)
		g.Release(out)
		kept = append(kept, out.Value)
		for k := range kept {
			for i := range want[k].Data {
				if kept[k].Data[i] != want[k].Data[i] {
					t.Fatalf("after pass %d: output %d differs at [%d]: %v, want %v", r, k, i, kept[k].Data[i], want[k].Data[i])
				}
			}
		}
	}
}

// The free lists stay under poolCap floats however many lengths are given
// back: past the cap they are dropped and start again.
func TestPoolIsCapped(t *testing.T) {
	FreeBuffers()
	defer FreeBuffers()
	old := poolCap
	poolCap = 1000
	defer func() { poolCap = old }()
	for n := 1; n <= 200; n++ {
		give(tensor.New(n))
		buffers.Lock()
		held := 0
		for size, list := range buffers.free {
			held += size * len(list)
		}
		floats := buffers.floats
		buffers.Unlock()
		if held != floats || held > poolCap {
			t.Fatalf("after giving back length %d: %d floats pooled (counted %d), cap %d", n, held, floats, poolCap)
		}
	}
	buffers.Lock()
	before := buffers.floats
	buffers.Unlock()
	take(200) // the last one given back is still pooled
	buffers.Lock()
	after := buffers.floats
	buffers.Unlock()
	if after != before-200 {
		t.Errorf("take(200): %d floats pooled before, %d after, want %d", before, after, before-200)
	}
}
