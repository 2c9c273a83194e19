package graph

import "fmt"

// MaxNodes is the largest node count a Graph may have. The adjacency is
// dense (n² bytes), so 4096 nodes take 16 MiB; the benchmarks this package
// serves have at most a few hundred.
const MaxNodes = 4096

// MaxType is the largest node or edge type: types are stored in a byte.
const MaxType = 255

// Graph is a simple undirected graph whose nodes and edges carry integer
// types (categories). Nodes are numbered 0…n−1. The adjacency is a dense
// symmetric n×n matrix of edge types in which 0 means "no edge", so an edge
// has a type in 1…MaxType; a node has a type in 0…MaxType. There are no
// self-loops and no multi-edges. This is the representation discrete
// diffusion works on (DiGress, Vignac et al. 2023): one category per node
// and one per node pair, "no edge" being one of the pair's categories.
//
// The zero Graph has no nodes. Make graphs with New and SetEdge.
type Graph struct {
	// NodeNames optionally names node types: NodeNames[t] names type t.
	NodeNames []string
	// EdgeNames optionally names edge types: EdgeNames[k-1] names type k
	// (type 0, "no edge", has no name).
	EdgeNames []string

	n     int
	nodes []uint8 // (n): node types
	adj   []uint8 // (n, n): edge types, symmetric, zero diagonal
}

// New returns a graph of n nodes of type 0 and no edges. n must be in
// 0…MaxNodes.
func New(n int) (*Graph, error) {
	if n < 0 || n > MaxNodes {
		return nil, fmt.Errorf("graph: %d nodes: want 0 to %d", n, MaxNodes)
	}
	return &Graph{n: n, nodes: make([]uint8, n), adj: make([]uint8, n*n)}, nil
}

// mustNew is New for sizes the caller has already checked.
func mustNew(n int) *Graph {
	return &Graph{n: n, nodes: make([]uint8, n), adj: make([]uint8, n*n)}
}

// N returns the number of nodes.
func (g *Graph) N() int { return g.n }

// NodeType returns the type of node i.
func (g *Graph) NodeType(i int) int { return int(g.nodes[i]) }

// SetNodeType sets the type of node i to t (0…MaxType).
func (g *Graph) SetNodeType(i, t int) error {
	if i < 0 || i >= g.n {
		return fmt.Errorf("graph: node %d: want 0 to %d", i, g.n-1)
	}
	if t < 0 || t > MaxType {
		return fmt.Errorf("graph: node %d: type %d: want 0 to %d", i, t, MaxType)
	}
	g.nodes[i] = uint8(t)
	return nil
}

// EdgeType returns the type of the edge between i and j, 0 when there is none.
func (g *Graph) EdgeType(i, j int) int { return int(g.adj[i*g.n+j]) }

// Has reports whether i and j are joined by an edge.
func (g *Graph) Has(i, j int) bool { return g.adj[i*g.n+j] != 0 }

// SetEdge sets the type of the edge {i, j} to t; t = 0 removes it. Self-loops
// (i = j) are refused: the graphs here are simple.
func (g *Graph) SetEdge(i, j, t int) error {
	if i < 0 || i >= g.n || j < 0 || j >= g.n {
		return fmt.Errorf("graph: edge %d-%d: want nodes 0 to %d", i, j, g.n-1)
	}
	if i == j {
		return fmt.Errorf("graph: edge %d-%d: self-loops are not allowed", i, j)
	}
	if t < 0 || t > MaxType {
		return fmt.Errorf("graph: edge %d-%d: type %d: want 0 (none) to %d", i, j, t, MaxType)
	}
	g.adj[i*g.n+j] = uint8(t)
	g.adj[j*g.n+i] = uint8(t)
	return nil
}

// Degree returns the number of edges at node i.
func (g *Graph) Degree(i int) int {
	d := 0
	for _, t := range g.adj[i*g.n : (i+1)*g.n] {
		if t != 0 {
			d++
		}
	}
	return d
}

// Neighbors returns the neighbours of node i in increasing order.
func (g *Graph) Neighbors(i int) []int {
	var nb []int
	for j, t := range g.adj[i*g.n : (i+1)*g.n] {
		if t != 0 {
			nb = append(nb, j)
		}
	}
	return nb
}

// Edge is one undirected edge with Source < Target.
type Edge struct {
	Source, Target, Type int
}

// Edges lists every edge once, with Source < Target, in row-major order.
func (g *Graph) Edges() []Edge {
	var es []Edge
	for i := 0; i < g.n; i++ {
		for j := i + 1; j < g.n; j++ {
			if t := g.adj[i*g.n+j]; t != 0 {
				es = append(es, Edge{i, j, int(t)})
			}
		}
	}
	return es
}

// NumEdges returns the number of edges.
func (g *Graph) NumEdges() int {
	m := 0
	for _, t := range g.adj {
		if t != 0 {
			m++
		}
	}
	return m / 2
}

// Density returns the fraction of node pairs that are joined: m / (n(n−1)/2);
// 0 for graphs of fewer than two nodes.
func (g *Graph) Density() float64 {
	if g.n < 2 {
		return 0
	}
	return float64(g.NumEdges()) / float64(g.n*(g.n-1)/2)
}

// Clone returns a deep copy of g.
func (g *Graph) Clone() *Graph {
	c := &Graph{n: g.n, nodes: append([]uint8(nil), g.nodes...), adj: append([]uint8(nil), g.adj...)}
	c.NodeNames = append([]string(nil), g.NodeNames...)
	c.EdgeNames = append([]string(nil), g.EdgeNames...)
	return c
}

// Equal reports whether g and h have the same nodes, node types and typed
// edges under the same numbering (names are not compared).
func (g *Graph) Equal(h *Graph) bool {
	if g.n != h.n {
		return false
	}
	for i := range g.nodes {
		if g.nodes[i] != h.nodes[i] {
			return false
		}
	}
	for i := range g.adj {
		if g.adj[i] != h.adj[i] {
			return false
		}
	}
	return true
}

// String describes g briefly: "graph(12 nodes, 30 edges)".
func (g *Graph) String() string {
	return fmt.Sprintf("graph(%d nodes, %d edges)", g.n, g.NumEdges())
}
