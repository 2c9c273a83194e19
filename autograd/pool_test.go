package autograd

import (
	"slices"
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

// TestTakeBestFit checks that take serves a request from the smallest free
// buffer that holds it, within poolFit times its length, and that a buffer
// keeps its whole capacity when it comes back.
func TestTakeBestFit(t *testing.T) {
	FreeBuffers()
	defer FreeBuffers()
	for _, n := range []int{40, 10, 16} {
		give(tensor.New(n))
	}
	cases := []struct {
		n, wantCap int // wantCap 0: nothing fits, a new buffer
	}{
		{8, 10},  // 10 is the smallest of at least 8
		{9, 16},  // 10 is gone
		{15, 0},  // 40 is more than twice 15
		{30, 40}, // within twice 30
		{4, 0},   // the lists are empty
	}
	for _, c := range cases {
		got := take(c.n)
		if len(got.Data) != c.n || !tensor.SameShape(got.Shape, []int{c.n}) {
			t.Fatalf("take(%d): %d elements, shape %v", c.n, len(got.Data), got.Shape)
		}
		if c.wantCap != 0 && cap(got.Data) != c.wantCap {
			t.Errorf("take(%d): capacity %d, want the free buffer of %d", c.n, cap(got.Data), c.wantCap)
		}
		if c.wantCap == 0 && cap(got.Data) != c.n {
			t.Errorf("take(%d): capacity %d, want a new buffer of %d", c.n, cap(got.Data), c.n)
		}
		for i, v := range got.Data[:cap(got.Data)] {
			if i < c.n && v != 0 {
				t.Fatalf("take(%d): element %d = %v, want 0", c.n, i, v)
			}
		}
	}
	short := take(12) // a new buffer of 12
	short.Data = short.Data[:5]
	give(short)
	buffers.Lock()
	caps, floats := slices.Clone(buffers.caps), buffers.floats
	buffers.Unlock()
	if !slices.Equal(caps, []int{12}) || floats != 12 {
		t.Errorf("after giving back a buffer of 5 of 12 elements: capacities %v holding %d floats, want [12] and 12", caps, floats)
	}
}
