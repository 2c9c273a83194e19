package network

import (
	"container/heap"
	"fmt"
	"math"
	"sort"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Selection is a seed set chosen by greedy or CELF on a set of worlds.
type Selection struct {
	Seeds       []int   // in the order chosen
	Gains       []int   // Gains[i]: nodes added over all worlds by Seeds[i]
	Evaluations int     // marginal-gain evaluations (one node on all worlds)
	Spread      float64 // σ(Seeds) on the selection worlds: Σ Gains / R
}

// selector holds the greedy state: which nodes the chosen seeds reach in
// each world.
type selector struct {
	ws      *Worlds
	covered [][]bool // covered[w][v]: v is reached from the chosen seeds in world w
	chosen  []bool
	sel     Selection
}

func newSelector(ws *Worlds, k int) (*selector, error) {
	if k < 1 || k > ws.n {
		return nil, fmt.Errorf("network: k: want 1 ≤ k ≤ %d (the number of nodes), got %d", ws.n, k)
	}
	s := &selector{ws: ws, covered: make([][]bool, ws.Len()), chosen: make([]bool, ws.n)}
	for w := range s.covered {
		s.covered[w] = make([]bool, ws.n)
	}
	return s, nil
}

// gains returns the marginal gain of each of cands, summed over worlds:
// Σ_w |reach_w(S ∪ {v})| − |reach_w(S)|, an integer, so the sum does not
// depend on the order of the worlds.
func (s *selector) gains(cands []int) []int {
	s.sel.Evaluations += len(cands)
	partial := make([][]int, parallel.Chunks(s.ws.Len(), 16))
	parallel.ForChunks(s.ws.Len(), 16, func(c, lo, hi int) {
		r := newReach(s.ws.n)
		p := make([]int, len(cands))
		src := []int{0}
		for w := lo; w < hi; w++ {
			for i, v := range cands {
				src[0] = v
				p[i] += r.count(s.ws, w, src, s.covered[w], false)
			}
		}
		partial[c] = p
	})
	total := make([]int, len(cands))
	for _, p := range partial {
		for i, x := range p {
			total[i] += x
		}
	}
	return total
}

// add makes v a seed with the given total gain.
func (s *selector) add(v, gain int) {
	s.chosen[v] = true
	s.sel.Seeds = append(s.sel.Seeds, v)
	s.sel.Gains = append(s.sel.Gains, gain)
	src := []int{v}
	parallel.For(s.ws.Len(), 16, func(lo, hi int) {
		r := newReach(s.ws.n)
		for w := lo; w < hi; w++ {
			r.count(s.ws, w, src, s.covered[w], true)
		}
	})
}

func (s *selector) result() Selection {
	sum := 0
	for _, g := range s.sel.Gains {
		sum += g
	}
	s.sel.Spread = float64(sum) / float64(s.ws.Len())
	return s.sel
}

// Greedy picks k seeds one at a time, each the node of largest marginal
// gain in σ estimated on ws (ties to the smaller id): the (1 − 1/e)
// approximation of Kempe, Kleinberg & Tardos (2003), Theorem 2.1, for the
// sampled σ. It evaluates every remaining node in every round.
func Greedy(ws *Worlds, k int) (Selection, error) {
	s, err := newSelector(ws, k)
	if err != nil {
		return Selection{}, err
	}
	for range k {
		var cands []int
		for v := range ws.n {
			if !s.chosen[v] {
				cands = append(cands, v)
			}
		}
		g := s.gains(cands)
		best := 0
		for i := range cands {
			if g[i] > g[best] {
				best = i
			}
		}
		s.add(cands[best], g[best])
	}
	return s.result(), nil
}

// CELF is Greedy with the lazy evaluation of Leskovec et al. (2007): by
// submodularity a gain computed in an earlier round bounds the gain now, so
// nodes wait in a max-heap under their last gain and only the top is
// re-evaluated; when the top's gain is from this round it is the greedy
// choice. With ties broken to the smaller id it selects exactly the seeds
// of Greedy on the same worlds, with far fewer evaluations.
func CELF(ws *Worlds, k int) (Selection, error) {
	s, err := newSelector(ws, k)
	if err != nil {
		return Selection{}, err
	}
	all := make([]int, ws.n)
	for v := range all {
		all[v] = v
	}
	g := s.gains(all)
	h := make(celfHeap, ws.n)
	for v := range h {
		h[v] = celfItem{node: v, gain: g[v], round: 0}
	}
	heap.Init(&h)
	for round := 0; round < k; {
		top := h[0]
		if top.round == round {
			heap.Pop(&h)
			s.add(top.node, top.gain)
			round++
			continue
		}
		h[0].gain, h[0].round = s.gains([]int{top.node})[0], round
		heap.Fix(&h, 0)
	}
	return s.result(), nil
}

type celfItem struct{ node, gain, round int }

// celfHeap is a max-heap by gain, then by smaller node id.
type celfHeap []celfItem

func (h celfHeap) Len() int { return len(h) }
func (h celfHeap) Less(i, j int) bool {
	if h[i].gain != h[j].gain {
		return h[i].gain > h[j].gain
	}
	return h[i].node < h[j].node
}
func (h celfHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *celfHeap) Push(x any)   { *h = append(*h, x.(celfItem)) }
func (h *celfHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// TopK returns the k nodes of largest score, ties to the smaller id.
func TopK(score []float64, k int) ([]int, error) {
	if k < 1 || k > len(score) {
		return nil, fmt.Errorf("network: k: want 1 ≤ k ≤ %d (the number of nodes), got %d", len(score), k)
	}
	ids := make([]int, len(score))
	for i := range ids {
		ids[i] = i
	}
	sort.SliceStable(ids, func(a, b int) bool { return score[ids[a]] > score[ids[b]] })
	return ids[:k], nil
}

// Degrees returns each node's number of out-arcs (its degree when
// undirected), as scores for TopK: the highest-degree heuristic.
func Degrees(g *Graph) []float64 {
	d := make([]float64, g.N())
	for u := range d {
		d[u] = float64(g.Degree(u))
	}
	return d
}

// PageRank returns the PageRank vector of g (Brin & Page 1998) by power
// iteration of p ← (1−d)/N + d·(Mᵀp + (Σ_dangling p)/N), M the
// weight-normalised out-arc transition matrix, with damping d; dangling
// nodes (no out-arcs) spread their mass evenly. It stops when the L1 change
// is below tol or after maxIter iterations. The result sums to 1.
func PageRank(g *Graph, d, tol float64, maxIter int) []float64 {
	n := g.N()
	p := make([]float64, n)
	next := make([]float64, n)
	for i := range p {
		p[i] = 1 / float64(n)
	}
	outW := make([]float64, n)
	for u, es := range g.Out {
		for _, e := range es {
			outW[u] += e.W
		}
	}
	for range maxIter {
		dangling := 0.0
		for u := range p {
			if len(g.Out[u]) == 0 {
				dangling += p[u]
			}
		}
		base := (1-d)/float64(n) + d*dangling/float64(n)
		for v := range next {
			next[v] = base
		}
		for u, es := range g.Out {
			for _, e := range es {
				next[e.To] += d * p[u] * e.W / outW[u]
			}
		}
		diff := 0.0
		for i := range p {
			diff += math.Abs(next[i] - p[i])
		}
		p, next = next, p
		if diff < tol {
			break
		}
	}
	return p
}

// RandomSeeds returns k distinct nodes drawn uniformly from rng.
func RandomSeeds(g *Graph, k int, rng *tensor.RNG) ([]int, error) {
	if k < 1 || k > g.N() {
		return nil, fmt.Errorf("network: k: want 1 ≤ k ≤ %d (the number of nodes), got %d", g.N(), k)
	}
	return rng.Perm(g.N())[:k], nil
}
