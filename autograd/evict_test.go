package autograd

import (
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// evictNet is a ResBlock-like computation whose GroupNormSiLU, GroupNorm,
// Concat and UpsampleNearest2d outputs are evicted (when evict is set) as
// soon as the ops that read them have run. The Concat is evicted before
// the GroupNormSiLU made from it, so recomputing the latter must make the
// former again first.
func evictNet(g *Graph, evict bool, x, w1, w2, ws, gn, gb, w3 *Var) (loss *Var, evicted []*Var) {
	h := g.Conv2d(x, w1, nil, 1, 1, 1)           // (2, 4, 6, 6)
	cat := g.Concat(1, h, x)                     // (2, 7, 6, 6): a decoder's input and skip
	a := g.GroupNormSiLU(cat, 1, nil, nil, 1e-5) // read by conv w2 only
	skip := g.Conv2d(cat, ws, nil, 1, 0, 1)      // 1×1, 7 → 4
	drop := func(v *Var) {
		if evict && g.Evict(v) {
			evicted = append(evicted, v)
		}
	}
	drop(cat)
	h = g.Conv2dAdd(a, w2, nil, 1, 1, 1, nil, skip) // (2, 4, 6, 6)
	drop(a)
	n := g.GroupNorm(h, 2, gn, gb, 1e-5)
	up := g.UpsampleNearest2d(n, 2) // (2, 4, 12, 12)
	drop(n)
	y := g.Conv2d(up, w3, nil, 1, 1, 1) // (2, 2, 12, 12)
	drop(up)
	return g.Mean(g.Mul(y, y), nil, false), evicted
}

// TestEvictMatchesKeep checks that evicting values and recomputing them in
// backward gives every gradient to the bit, that evicted values really
// leave (no data until backward), and that Evict is a no-op on graphs that
// are not pooled.
func TestEvictMatchesKeep(t *testing.T) {
	rng := tensor.NewRNG(5)
	x := NewParam(rng.Rand(-1, 1, 2, 3, 6, 6))
	params := []*Var{
		NewParam(rng.Rand(-0.5, 0.5, 4, 3, 3, 3)),
		NewParam(rng.Rand(-0.5, 0.5, 4, 7, 3, 3)),
		NewParam(rng.Rand(-0.5, 0.5, 4, 7, 1, 1)),
		NewParam(rng.Rand(0.5, 1.5, 4)),
		NewParam(rng.Rand(-0.1, 0.1, 4)),
		NewParam(rng.Rand(-0.5, 0.5, 2, 4, 3, 3)),
	}
	leaves := append([]*Var{x}, params...)
	run := func(name string, g *Graph, evict bool, wantEvicted int) (grads []*tensor.Tensor, loss float32) {
		for _, v := range leaves {
			v.Grad = nil
		}
		l, evicted := evictNet(g, evict, x, params[0], params[1], params[2], params[3], params[4], params[5])
		if len(evicted) != wantEvicted {
			t.Errorf("%s: Evict gave back %d values, want %d", name, len(evicted), wantEvicted)
		}
		for i, v := range evicted {
			if v.Value.Data != nil || !v.evicted {
				t.Errorf("evicted value %d still holds its data", i)
			}
			if !tensor.SameShape(v.Shape(), v.Value.Shape) || len(v.Shape()) != 4 {
				t.Errorf("evicted value %d lost its shape: %v", i, v.Shape())
			}
		}
		loss = l.Value.Data[0]
		if err := g.Backward(l); err != nil {
			t.Fatal(err)
		}
		for _, v := range leaves {
			grads = append(grads, v.Grad.Clone())
		}
		return grads, loss
	}
	want, wantLoss := run("pooled, keeping", NewPooled(), false, 0)
	for name, c := range map[string]struct {
		g           func() *Graph
		evict       bool
		wantEvicted int
	}{
		"pooled, evicting":   {NewPooled, true, 4},
		"pooled, again":      {NewPooled, true, 4}, // buffers reused from the run before
		"plain, Evict no-op": {New, true, 0},
	} {
		got, loss := run(name, c.g(), c.evict, c.wantEvicted)
		if loss != wantLoss {
			t.Errorf("%s: loss %v, want %v", name, loss, wantLoss)
		}
		for i := range want {
			for j := range want[i].Data {
				if got[i].Data[j] != want[i].Data[j] {
					t.Fatalf("%s: gradient of leaf %d differs at [%d]: %v, want %v", name, i, j, got[i].Data[j], want[i].Data[j])
				}
			}
		}
	}
	// On a plain graph Evict keeps the value.
	g := New()
	v := g.GroupNormSiLU(g.Conv2d(x, params[0], nil, 1, 1, 1), 2, nil, nil, 1e-5)
	g.Evict(v)
	if v.Value.Data == nil {
		t.Error("Evict dropped a value of a graph that is not pooled")
	}
}
