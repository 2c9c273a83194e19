package digress

import "math"

// Structural features of a noisy graph, DiGress's "cycles" extra features
// (Vignac et al. 2023, §5; src/diffusion/extra_features.py) with the
// degree added. Per node: the number of 3-, 4- and 5-cycles through it
// and its degree; per graph: the number of 3-, 4- and 5-cycles. They are
// computed from powers of the adjacency A (every edge category but 0
// counts as an edge), in float64, on the real nodes only:
//
//	C3(i) = (A³)_ii / 2,
//	C4(i) = ((A⁴)_ii − d_i(d_i − 1) − Σ_j A_ij d_j) / 2,
//	C5(i) = ((A⁵)_ii − 2·d_i·T_i − Σ_j A_ij T_j − 2·Σ_j A_ij d_j (A²)_ij + 5·T_i) / 2,   T = diag(A³),
//
// the closed walks through i less those that backtrack. For C5 a closed
// 5-walk that is not a 5-cycle is a triangle with one edge walked there
// and back (a backtrack): the terms count the walks with a backtrack at
// each of the five positions (2·d_i·T_i at the root's two sides,
// Σ_j A_ij T_j at the root, 2·Σ_j A_ij d_j (A²)_ij in the middle), and 5·T_i
// adds back the walks p,q,p,q,r that have two. The test checks all three
// against brute-force enumeration of simple cycles. The graph's
// totals are Σ_i C3(i)/3, Σ_i C4(i)/4 and Σ_i C5(i)/5. A message-passing
// network cannot count cycles by itself (Chen et al. 2020); these inputs
// let it see the noisy graph's structure.
const (
	NodeFeatures  = 4 // C3, C4, C5, degree
	GraphFeatures = 3 // C3, C4, C5
)

// CycleCounts returns, for the graph of n nodes with 0/1 adjacency a
// (n×n, row-major), the per-node counts (n rows of C3, C4, C5, degree)
// and the graph's (C3, C4, C5).
func CycleCounts(a []float64, n int) (node [][NodeFeatures]float64, total [GraphFeatures]float64) {
	mul := func(x, y []float64) []float64 {
		out := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for k := 0; k < n; k++ {
				v := x[i*n+k]
				if v == 0 {
					continue
				}
				for j := 0; j < n; j++ {
					out[i*n+j] += v * y[k*n+j]
				}
			}
		}
		return out
	}
	a2 := mul(a, a)
	a3 := mul(a2, a)
	a4 := mul(a3, a)
	a5 := mul(a4, a)
	d := make([]float64, n)
	tri := make([]float64, n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			d[i] += a[i*n+j]
		}
		tri[i] = a3[i*n+i]
	}
	node = make([][NodeFeatures]float64, n)
	for i := 0; i < n; i++ {
		var ad, at, adw float64
		for j := 0; j < n; j++ {
			ad += a[i*n+j] * d[j]
			at += a[i*n+j] * tri[j]
			adw += a[i*n+j] * d[j] * a2[i*n+j]
		}
		c3 := tri[i] / 2
		c4 := (a4[i*n+i] - d[i]*(d[i]-1) - ad) / 2
		c5 := (a5[i*n+i] - 2*d[i]*tri[i] - at - 2*adw + 5*tri[i]) / 2
		node[i] = [NodeFeatures]float64{c3, c4, c5, d[i]}
		total[0] += c3 / 3
		total[1] += c4 / 4
		total[2] += c5 / 5
	}
	return node, total
}

// squash maps a count c ≥ 0 to log(1 + c)/3, a scale on which the counts
// of small graphs (up to a few hundred cycles) lie in [0, 2].
func squash(c float64) float32 { return float32(math.Log1p(max(c, 0)) / 3) }

// extraFeatures returns the network's structural inputs for z: per node
// (B, N, NodeFeatures) squashed counts (zero for padding) and per graph
// (B, GraphFeatures+1) squashed totals and n/maxN.
func extraFeatures(z *Batch, maxN int) (node, glob []float32) {
	n := z.N
	node = make([]float32, z.B*n*NodeFeatures)
	glob = make([]float32, z.B*(GraphFeatures+1))
	for b := 0; b < z.B; b++ {
		m := z.Sizes[b]
		a := make([]float64, m*m)
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				if i != j && z.E[(b*n+i)*n+j] != 0 {
					a[i*m+j] = 1
				}
			}
		}
		nc, tc := CycleCounts(a, m)
		for i := 0; i < m; i++ {
			for f := range NodeFeatures {
				node[(b*n+i)*NodeFeatures+f] = squash(nc[i][f])
			}
		}
		for f := range GraphFeatures {
			glob[b*(GraphFeatures+1)+f] = squash(tc[f])
		}
		glob[b*(GraphFeatures+1)+GraphFeatures] = float32(m) / float32(max(maxN, 1))
	}
	return node, glob
}
