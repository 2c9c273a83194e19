package molecule

import "math"

// Point is a 2-D position in bond lengths.
type Point struct{ X, Y float64 }

// Layout returns 2-D coordinates for the atoms of m, in bond lengths, for
// drawing. Each component is placed by stress majorisation (Gansner, Koren
// and North 2004): positions minimise Σ w_ij (|x_i − x_j| − d_ij)² with
// w_ij = d_ij⁻², where d_ij is the length of a zig-zag chain of as many bonds
// as the shortest path between i and j (1, √3, …), so bonds come out near
// length 1 with 120° angles and rings near regular polygons. The start is
// classical multidimensional scaling of the same distances (Torgerson 1952),
// which keeps fused rings from folding over each other. Components are set
// side by side, left to right. The result is deterministic.
func Layout(m *Molecule) []Point {
	n := len(m.Atoms)
	pos := make([]Point, n)
	adj := m.adjacency()
	seen := make([]bool, n)
	offset := 0.0
	for s := range n {
		if seen[s] {
			continue
		}
		comp := bfsFrom(s, adj, seen)
		layoutComponent(comp, adj, pos)
		// Shift the component right of the previous ones.
		minX, maxX, minY := math.Inf(1), math.Inf(-1), math.Inf(1)
		for _, v := range comp {
			minX, maxX, minY = min(minX, pos[v].X), max(maxX, pos[v].X), min(minY, pos[v].Y)
		}
		for _, v := range comp {
			pos[v].X += offset - minX
			pos[v].Y -= minY
		}
		offset += maxX - minX + 1.5
	}
	return pos
}

// bfsFrom lists the component of s in breadth-first order, marking seen.
func bfsFrom(s int, adj [][]neighbour, seen []bool) []int {
	seen[s] = true
	comp := []int{s}
	for q := 0; q < len(comp); q++ {
		for _, e := range adj[comp[q]] {
			if !seen[e.to] {
				seen[e.to] = true
				comp = append(comp, e.to)
			}
		}
	}
	return comp
}

// zigzag is the end-to-end length of a chain of k unit bonds at 120°.
func zigzag(k int) float64 {
	h := float64(k) * math.Sqrt(3) / 2
	if k%2 == 1 {
		return math.Hypot(h, 0.5)
	}
	return h
}

// layoutComponent places the atoms of one connected component.
func layoutComponent(comp []int, adj [][]neighbour, pos []Point) {
	c := len(comp)
	if c == 1 {
		pos[comp[0]] = Point{}
		return
	}
	local := make(map[int]int, c)
	for i, v := range comp {
		local[v] = i
	}
	// All-pairs shortest paths by breadth-first search from every atom.
	d := make([][]float64, c)
	for i, s := range comp {
		hops := make([]int, c)
		for j := range hops {
			hops[j] = -1
		}
		hops[i] = 0
		queue := []int{s}
		for q := 0; q < len(queue); q++ {
			v := queue[q]
			for _, e := range adj[v] {
				if j := local[e.to]; hops[j] < 0 {
					hops[j] = hops[local[v]] + 1
					queue = append(queue, e.to)
				}
			}
		}
		d[i] = make([]float64, c)
		for j, h := range hops {
			d[i][j] = zigzag(h)
		}
	}
	x := classicalMDS(d)
	for range 300 {
		for i := range c {
			var sx, sy, sw float64
			for j := range c {
				if j == i {
					continue
				}
				w := 1 / (d[i][j] * d[i][j])
				dx, dy := x[i].X-x[j].X, x[i].Y-x[j].Y
				dist := math.Hypot(dx, dy)
				if dist < 1e-9 {
					dx, dy, dist = 1e-3*float64(i-j), 1e-3, math.Hypot(1e-3*float64(i-j), 1e-3)
				}
				sx += w * (x[j].X + d[i][j]*dx/dist)
				sy += w * (x[j].Y + d[i][j]*dy/dist)
				sw += w
			}
			x[i] = Point{sx / sw, sy / sw}
		}
	}
	for i, v := range comp {
		pos[v] = x[i]
	}
}

// classicalMDS places points in the plane whose distances approximate d: the
// top two eigenvectors of the double-centred matrix B = −½·J·D⁽²⁾·J, scaled by
// the square roots of their eigenvalues, found by power iteration from fixed
// starts. A tiny deterministic spiral is added so that no two points
// coincide when d has fewer than two positive eigenvalues (a chain).
func classicalMDS(d [][]float64) []Point {
	c := len(d)
	b := make([][]float64, c)
	row := make([]float64, c)
	total := 0.0
	for i := range c {
		b[i] = make([]float64, c)
		for j := range c {
			b[i][j] = d[i][j] * d[i][j]
			row[i] += b[i][j]
		}
		total += row[i]
		row[i] /= float64(c)
	}
	total /= float64(c * c)
	for i := range c {
		for j := range c {
			b[i][j] = -0.5 * (b[i][j] - row[i] - row[j] + total)
		}
	}
	var vecs [2][]float64
	var vals [2]float64
	for k := range 2 {
		v := make([]float64, c)
		for i := range v {
			v[i] = math.Sin(float64(i+1)*(1.3+float64(k))) + 0.1
		}
		lambda := 0.0
		for range 200 {
			w := make([]float64, c)
			for i := range c {
				for j := range c {
					w[i] += b[i][j] * v[j]
				}
			}
			for q := range k { // deflate the vectors already found
				dot := 0.0
				for i := range c {
					dot += vecs[q][i] * w[i]
				}
				for i := range c {
					w[i] -= dot * vecs[q][i]
				}
			}
			norm := 0.0
			for _, x := range w {
				norm += x * x
			}
			norm = math.Sqrt(norm)
			if norm < 1e-12 {
				break
			}
			lambda = norm
			for i := range w {
				v[i] = w[i] / norm
			}
		}
		vecs[k], vals[k] = v, lambda
	}
	x := make([]Point, c)
	for i := range x {
		a := float64(i) * 2.399963 // the golden angle
		x[i] = Point{
			vecs[0][i]*math.Sqrt(vals[0]) + 1e-3*math.Cos(a),
			vecs[1][i]*math.Sqrt(vals[1]) + 1e-3*math.Sin(a),
		}
	}
	return x
}
