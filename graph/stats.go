package graph

// DegreeHistogram returns the number of nodes of each degree 0…max degree,
// as networkx's degree_histogram. It is empty for a graph of no nodes.
func DegreeHistogram(g *Graph) []float64 {
	if g.n == 0 {
		return nil
	}
	deg := make([]int, g.n)
	top := 0
	for i := range deg {
		deg[i] = g.Degree(i)
		top = max(top, deg[i])
	}
	h := make([]float64, top+1)
	for _, d := range deg {
		h[d]++
	}
	return h
}

// Clustering returns each node's clustering coefficient
// c_v = 2·T(v) / (d_v(d_v − 1)), where T(v) is the number of triangles
// through v and d_v its degree; 0 when d_v < 2 (networkx's clustering for
// unweighted graphs). Edge types are ignored.
func Clustering(g *Graph) []float64 {
	c := make([]float64, g.n)
	for v := range c {
		nb := g.Neighbors(v)
		d := len(nb)
		if d < 2 {
			continue
		}
		t := 0
		for a := 0; a < d; a++ {
			for b := a + 1; b < d; b++ {
				if g.Has(nb[a], nb[b]) {
					t++
				}
			}
		}
		c[v] = 2 * float64(t) / float64(d*(d-1))
	}
	return c
}

// ClusteringBins is the number of histogram bins on [0, 1] that the
// clustering MMD of GraphRNN and GDSS uses.
const ClusteringBins = 100

// ClusteringHistogram counts g's clustering coefficients in bins equal
// bins on [0, 1], the last bin closed, exactly as numpy.histogram(c,
// bins=bins, range=(0, 1)) places them: bin edges are k·(1/bins) computed
// in float64, so a value on an edge that rounds below it goes to the bin
// beneath (0.7 with 100 bins lands in bin 69, as in numpy).
func ClusteringHistogram(g *Graph, bins int) []float64 {
	h := make([]float64, bins)
	for _, c := range Clustering(g) {
		h[binOf(c, bins)]++
	}
	return h
}

// binOf returns numpy.histogram's bin of c in [0, 1] for bins equal bins.
func binOf(c float64, bins int) int {
	step := 1 / float64(bins)
	edge := func(k int) float64 {
		if k == bins {
			return 1
		}
		return float64(k) * step
	}
	k := int(c * float64(bins))
	if k == bins {
		k--
	}
	if c < edge(k) {
		k--
	} else if k != bins-1 && c >= edge(k+1) {
		k++
	}
	return k
}
