package network

import (
	"fmt"
	"math"
	"strconv"
)

// Edge is one directed arc to node To with weight W (> 0; 1 when unweighted).
type Edge struct {
	To int
	W  float64
}

// Graph is a weighted graph on nodes 0…N−1. An undirected graph stores every
// edge as two arcs, so Out and In list the same neighbours. Parallel edges
// are merged by adding their weights; self-loops are refused.
type Graph struct {
	Names    []string // node names, unique; Names[i] names node i
	Groups   []int    // optional group of each node (0 when the input has none)
	Directed bool
	Out      [][]Edge // Out[u]: arcs u → v
	In       [][]Edge // In[v]: arcs u → v, with To = u

	index map[string]int
	arcs  map[[2]int]int // (u, v) → position of v in Out[u]
}

// NewGraph returns an empty graph, directed or not.
func NewGraph(directed bool) *Graph {
	return &Graph{Directed: directed, index: map[string]int{}, arcs: map[[2]int]int{}}
}

// N is the number of nodes.
func (g *Graph) N() int { return len(g.Names) }

// Arcs is the number of directed arcs (twice the edges when undirected).
func (g *Graph) Arcs() int {
	m := 0
	for _, es := range g.Out {
		m += len(es)
	}
	return m
}

// AddNode adds a node named name in group and returns its id; a name that
// exists already returns the existing id.
func (g *Graph) AddNode(name string, group int) int {
	if id, ok := g.index[name]; ok {
		return id
	}
	id := len(g.Names)
	g.index[name] = id
	g.Names = append(g.Names, name)
	g.Groups = append(g.Groups, group)
	g.Out = append(g.Out, nil)
	g.In = append(g.In, nil)
	return id
}

// Lookup returns the id of the node called name.
func (g *Graph) Lookup(name string) (int, bool) {
	id, ok := g.index[name]
	return id, ok
}

// AddEdge adds the edge u–v (u → v when directed) with weight w, which
// must be finite and > 0; a repeated edge adds to the weight.
func (g *Graph) AddEdge(u, v int, w float64) error {
	switch {
	case u < 0 || u >= g.N() || v < 0 || v >= g.N():
		return fmt.Errorf("edge %d–%d: want node ids in [0, %d)", u, v, g.N())
	case u == v:
		return fmt.Errorf("edge %s–%s: want two different nodes, got a self-loop", g.Names[u], g.Names[v])
	case !(w > 0) || math.IsInf(w, 0):
		return fmt.Errorf("edge %s–%s: want a finite weight > 0, got %v", g.Names[u], g.Names[v], w)
	}
	g.addArc(u, v, w)
	if !g.Directed {
		g.addArc(v, u, w)
	}
	return nil
}

func (g *Graph) addArc(u, v int, w float64) {
	if i, ok := g.arcs[[2]int{u, v}]; ok {
		g.Out[u][i].W += w
		for j := range g.In[v] {
			if g.In[v][j].To == u {
				g.In[v][j].W += w
			}
		}
		return
	}
	g.arcs[[2]int{u, v}] = len(g.Out[u])
	g.Out[u] = append(g.Out[u], Edge{To: v, W: w})
	g.In[v] = append(g.In[v], Edge{To: u, W: w})
}

// Degree is the number of out-arcs of u (its degree when undirected).
func (g *Graph) Degree(u int) int { return len(g.Out[u]) }

// Resolve turns node names (or, failing a name, decimal ids) into ids.
func (g *Graph) Resolve(names []string) ([]int, error) {
	ids := make([]int, 0, len(names))
	seen := map[int]bool{}
	for _, s := range names {
		id, ok := g.Lookup(s)
		if !ok {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n >= g.N() {
				return nil, fmt.Errorf("node %q: want a node name or an id in [0, %d)", s, g.N())
			}
			id = n
		}
		if seen[id] {
			return nil, fmt.Errorf("node %q: given twice", s)
		}
		seen[id] = true
		ids = append(ids, id)
	}
	return ids, nil
}

// NamesOf returns the names of ids.
func (g *Graph) NamesOf(ids []int) []string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = g.Names[id]
	}
	return s
}
