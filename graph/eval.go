package graph

import (
	"fmt"

	"github.com/diffusego/diffusego/internal/parallel"
)

// The kernels and bandwidths of the GraphRNN and GDSS evaluation
// (evaluation/stats.py of GDSS, eval/stats.py of GraphRNN), which this
// package's Evaluate uses:
var (
	// DegreeKernel: Gaussian EMD, σ = 1, ground distance |i − j| (degree_stats).
	DegreeKernel = GaussianEMD(1, 1)
	// ClusteringKernel: Gaussian EMD, σ = 0.1, ground distance |i − j| / 100
	// over the 100 bins (clustering_stats).
	ClusteringKernel = GaussianEMD(0.1, ClusteringBins)
	// OrbitKernel: Gaussian on the Euclidean distance, σ = 30
	// (orbit_stats_all; GDSS's load_eval_settings passes gaussian for
	// orbits, and GraphRNN's code uses it too).
	OrbitKernel = Gaussian(30)
	// OrbitKernelTV: Gaussian on the total variation, σ = 30, the variant
	// reported beside it (gaussian_tv, as GRAN-style evaluations use).
	OrbitKernelTV = GaussianTV(30)
)

// Scores are squared MMDs between a reference set of graphs and another.
type Scores struct {
	Degree     float64 // degree histograms (pmf), DegreeKernel
	Clustering float64 // clustering-coefficient histograms (pmf, 100 bins), ClusteringKernel
	Orbit      float64 // mean 4-node orbit counts per node, OrbitKernel
	OrbitTV    float64 // the same vectors, OrbitKernelTV
}

// Evaluate compares pred with ref (usually the test set) the way GDSS
// evaluates generic graphs: for each graph a descriptor, then MMD² between
// the two sets of descriptors (MMD2). Degree and clustering histograms are
// normalised to sum to 1; the orbit descriptor is the vector of the 15
// orbit counts summed over nodes and divided by the number of nodes. Graphs
// without nodes are left out of pred, as GDSS leaves them out; both sets
// must keep at least one graph.
func Evaluate(ref, pred []*Graph) (Scores, error) {
	ref, pred = nonEmpty(ref), nonEmpty(pred)
	if len(ref) == 0 || len(pred) == 0 {
		return Scores{}, fmt.Errorf("graph: evaluate %d graphs against %d: want at least one graph with nodes in each set", len(pred), len(ref))
	}
	dr, cr, or := Descriptors(ref)
	dp, cp, op := Descriptors(pred)
	var s Scores
	s.Degree, _ = MMD2(dr, dp, DegreeKernel)
	s.Clustering, _ = MMD2(cr, cp, ClusteringKernel)
	s.Orbit, _ = MMD2(or, op, OrbitKernel)
	s.OrbitTV, _ = MMD2(or, op, OrbitKernelTV)
	return s, nil
}

// Descriptors returns, for each graph, its normalised degree histogram, its
// normalised 100-bin clustering histogram and its mean orbit counts per
// node. Graphs must have nodes.
func Descriptors(gs []*Graph) (deg, clus, orb [][]float64) {
	deg, clus, orb = make([][]float64, len(gs)), make([][]float64, len(gs)), make([][]float64, len(gs))
	parallel.For(len(gs), 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			g := gs[i]
			deg[i] = normalize(DegreeHistogram(g))
			clus[i] = normalize(ClusteringHistogram(g, ClusteringBins))
			orb[i] = make([]float64, NumOrbits)
			for _, c := range Orbits(g) {
				for o, v := range c {
					orb[i][o] += float64(v)
				}
			}
			for o := range orb[i] {
				orb[i][o] /= float64(g.n)
			}
		}
	})
	return deg, clus, orb
}

func nonEmpty(gs []*Graph) []*Graph {
	var out []*Graph
	for _, g := range gs {
		if g != nil && g.n > 0 {
			out = append(out, g)
		}
	}
	return out
}
