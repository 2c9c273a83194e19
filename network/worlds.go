package network

import (
	"fmt"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Worlds are R sampled live-edge graphs (Kempe et al. 2003, Claims 2.3 and
// 2.6): the nodes that IC or LT activates from a seed set S have the same
// distribution as the nodes reachable from S along live arcs, where
//   - IC: each arc u → v is live independently with probability p_uv;
//   - LT: each node v with in-arcs keeps exactly one of them, u → v with
//     probability b_uv = w_uv / Σ_u' w_u'v.
//
// The spread σ(S) is then estimated by the mean reach over the worlds. All
// seed sets are scored on the same worlds (common random numbers), so
// comparisons between them are exact for the sample, and greedy and CELF
// see identical integer gains.
type Worlds struct {
	n    int
	off  [][]int32 // off[w][u]…off[w][u+1]: u's live out-arcs in world w
	head [][]int32 // head[w][i]: the target of live arc i
}

// LiveEdge is a model that has a live-edge form: IC and LT.
type LiveEdge interface {
	Model
	// live draws world's live arcs from rng and returns, for each node u,
	// its live out-neighbours (appended to dst[u]).
	live(g *Graph, rng *tensor.RNG, dst [][]int32)
}

func (m IC) live(g *Graph, rng *tensor.RNG, dst [][]int32) {
	for u, es := range g.Out {
		for _, e := range es {
			if rng.Uniform() < m.prob(e.W) {
				dst[u] = append(dst[u], int32(e.To))
			}
		}
	}
}

func (LT) live(g *Graph, rng *tensor.RNG, dst [][]int32) {
	inW := inWeights(g)
	for v, es := range g.In {
		if len(es) == 0 {
			continue
		}
		x := rng.Uniform() * inW[v]
		pick := es[len(es)-1].To
		for _, e := range es {
			if x < e.W {
				pick = e.To
				break
			}
			x -= e.W
		}
		dst[pick] = append(dst[pick], int32(v))
	}
}

// SampleWorlds draws r live-edge worlds of m on g, world w from
// RunRNG(seed, w), in parallel.
func SampleWorlds(g *Graph, m LiveEdge, r int, seed uint64) (*Worlds, error) {
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("network: %v: %w", m, err)
	}
	if r < 1 {
		return nil, fmt.Errorf("network: worlds: want ≥ 1, got %d", r)
	}
	ws := &Worlds{n: g.N(), off: make([][]int32, r), head: make([][]int32, r)}
	parallel.For(r, 1, func(lo, hi int) {
		adj := make([][]int32, g.N())
		for w := lo; w < hi; w++ {
			for u := range adj {
				adj[u] = adj[u][:0]
			}
			m.live(g, RunRNG(seed, w), adj)
			off := make([]int32, g.N()+1)
			var head []int32
			for u, vs := range adj {
				head = append(head, vs...)
				off[u+1] = int32(len(head))
			}
			ws.off[w], ws.head[w] = off, head
		}
	})
	return ws, nil
}

// Len is the number of worlds.
func (ws *Worlds) Len() int { return len(ws.off) }

// reach is a per-worker BFS scratch: stamp marks nodes seen in the current
// search without clearing between searches.
type reach struct {
	stamp []int32
	cur   int32
	queue []int32
}

func newReach(n int) *reach { return &reach{stamp: make([]int32, n)} }

// count returns how many nodes are reachable in world w from the sources,
// skipping nodes with covered[v] (covered may be nil); when mark is true it
// sets covered[v] for every node it reaches.
func (r *reach) count(ws *Worlds, w int, sources []int, covered []bool, mark bool) int {
	r.cur++
	if r.cur == 0 { // wrapped: clear
		clear(r.stamp)
		r.cur = 1
	}
	off, head := ws.off[w], ws.head[w]
	q := r.queue[:0]
	for _, s := range sources {
		if (covered == nil || !covered[s]) && r.stamp[s] != r.cur {
			r.stamp[s] = r.cur
			q = append(q, int32(s))
		}
	}
	for i := 0; i < len(q); i++ {
		u := q[i]
		for _, v := range head[off[u]:off[u+1]] {
			if r.stamp[v] != r.cur && (covered == nil || !covered[v]) {
				r.stamp[v] = r.cur
				q = append(q, v)
			}
		}
	}
	if mark {
		for _, v := range q {
			covered[v] = true
		}
	}
	r.queue = q
	return len(q)
}

// Spread returns the mean number of nodes reachable from seeds over the
// worlds, with its standard error across worlds.
func (ws *Worlds) Spread(seeds []int) (mean, se float64) {
	counts := make([]int, ws.Len())
	parallel.For(ws.Len(), 64, func(lo, hi int) {
		r := newReach(ws.n)
		for w := lo; w < hi; w++ {
			counts[w] = r.count(ws, w, seeds, nil, false)
		}
	})
	return meanSE(counts)
}
