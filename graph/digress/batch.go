package digress

import (
	"fmt"

	"github.com/diffusego/diffusego/graph"
)

// Batch is B graphs in dense form, padded to N nodes: node categories X
// (B, N) and edge categories E (B, N, N), row-major, with Sizes[b] the
// real node count of graph b. E is symmetric with a zero diagonal;
// padding (nodes ≥ Sizes[b] and every pair touching one) holds 0 and is
// never scored or generated.
type Batch struct {
	B, N  int
	Sizes []int
	X     []int // (B, N)
	E     []int // (B, N, N)
	Cond  []int // (B): graph-level classes of a conditional model, −1 for none; nil for none at all
}

// NewBatch returns an all-zero batch for graphs of the given sizes, padded
// to the largest.
func NewBatch(sizes []int) *Batch {
	n := 0
	for _, s := range sizes {
		n = max(n, s)
	}
	b := len(sizes)
	return &Batch{B: b, N: n, Sizes: append([]int(nil), sizes...), X: make([]int, b*n), E: make([]int, b*n*n)}
}

// FromGraphs packs graphs into a batch. Node types must be below kx and
// edge types below ke.
func FromGraphs(gs []*graph.Graph, kx, ke int) (*Batch, error) {
	sizes := make([]int, len(gs))
	for i, g := range gs {
		sizes[i] = g.N()
	}
	bt := NewBatch(sizes)
	n := bt.N
	for b, g := range gs {
		for i := 0; i < g.N(); i++ {
			t := g.NodeType(i)
			if t >= kx {
				return nil, fmt.Errorf("digress: graph %d node %d: type %d: want below %d", b, i, t, kx)
			}
			bt.X[b*n+i] = t
			for j := 0; j < g.N(); j++ {
				e := g.EdgeType(i, j)
				if e >= ke {
					return nil, fmt.Errorf("digress: graph %d edge %d-%d: type %d: want below %d", b, i, j, e, ke)
				}
				bt.E[(b*n+i)*n+j] = e
			}
		}
	}
	return bt, nil
}

// Graphs unpacks the batch into graphs of their real sizes.
func (bt *Batch) Graphs() []*graph.Graph {
	out := make([]*graph.Graph, bt.B)
	n := bt.N
	for b := range out {
		g, _ := graph.New(bt.Sizes[b]) // sizes come from graphs or the size table
		for i := 0; i < bt.Sizes[b]; i++ {
			_ = g.SetNodeType(i, bt.X[b*n+i])
			for j := i + 1; j < bt.Sizes[b]; j++ {
				_ = g.SetEdge(i, j, bt.E[(b*n+i)*n+j])
			}
		}
		out[b] = g
	}
	return out
}

// Clone returns a deep copy.
func (bt *Batch) Clone() *Batch {
	return &Batch{B: bt.B, N: bt.N, Sizes: append([]int(nil), bt.Sizes...),
		X: append([]int(nil), bt.X...), E: append([]int(nil), bt.E...), Cond: append([]int(nil), bt.Cond...)}
}

// Marginals returns the distribution of node categories over all nodes of
// gs (kx categories) and of edge categories over all node pairs i < j
// (ke categories, "no edge" being category 0): DiGress's m_X and m_E.
func Marginals(gs []*graph.Graph, kx, ke int) (mx, me []float64, err error) {
	mx, me = make([]float64, kx), make([]float64, ke)
	nodes, pairs := 0, 0
	for _, g := range gs {
		for i := 0; i < g.N(); i++ {
			if t := g.NodeType(i); t < kx {
				mx[t]++
			} else {
				return nil, nil, fmt.Errorf("digress: node type %d: want below %d", t, kx)
			}
			nodes++
			for j := i + 1; j < g.N(); j++ {
				if t := g.EdgeType(i, j); t < ke {
					me[t]++
				} else {
					return nil, nil, fmt.Errorf("digress: edge type %d: want below %d", t, ke)
				}
				pairs++
			}
		}
	}
	if nodes == 0 || pairs == 0 {
		return nil, nil, fmt.Errorf("digress: marginals: want graphs with at least two nodes, got %d nodes and %d pairs", nodes, pairs)
	}
	for k := range mx {
		mx[k] /= float64(nodes)
	}
	for k := range me {
		me[k] /= float64(pairs)
	}
	return mx, me, nil
}
