package tabular

import (
	"math"
	"slices"
	"sort"
)

// Fidelity returns the mean two-sample Kolmogorov–Smirnov statistic over the
// numeric columns (non-missing values) and the mean total-variation distance
// over the discrete columns (missing counted as a category) between real and
// synthetic. Both are 0 for identical marginals, 1 at worst; NaN when there is
// no column of that kind.
func Fidelity(real, syn *Frame) (ks, tv float64) {
	var ksSum, tvSum float64
	var nks, ntv int
	for j, c := range real.Schema.Columns {
		if c.Kind.Discrete() {
			tvSum += totalVariation(real.Cols[j], syn.Cols[j], len(c.Categories))
			ntv++
		} else {
			ksSum += kolmogorovSmirnov(present(real.Cols[j]), present(syn.Cols[j]))
			nks++
		}
	}
	return ksSum / float64(nks), tvSum / float64(ntv)
}

// present returns the non-NaN values of xs, sorted.
func present(xs []float64) []float64 {
	var out []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

// kolmogorovSmirnov is sup_x |F_a(x) − F_b(x)| for sorted samples a and b.
func kolmogorovSmirnov(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		if len(a) == len(b) {
			return 0
		}
		return 1
	}
	var i, k int
	d := 0.0
	for i < len(a) && k < len(b) {
		x := min(a[i], b[k])
		for i < len(a) && a[i] == x {
			i++
		}
		for k < len(b) && b[k] == x {
			k++
		}
		d = max(d, math.Abs(float64(i)/float64(len(a))-float64(k)/float64(len(b))))
	}
	return d
}

// freqs returns the class frequencies of a discrete column, missing last.
func freqs(col []float64, k int) []float64 {
	p := make([]float64, k+1)
	for _, v := range col {
		if math.IsNaN(v) {
			p[k]++
		} else {
			p[int(v)]++
		}
	}
	for i := range p {
		p[i] /= float64(len(col))
	}
	return p
}

// totalVariation is ½ Σ |p − q| over the classes (and missing).
func totalVariation(a, b []float64, k int) float64 {
	p, q := freqs(a, k), freqs(b, k)
	s := 0.0
	for i := range p {
		s += math.Abs(p[i] - q[i])
	}
	return s / 2
}

// Association returns the mixed association matrix of f: Pearson r between
// two numeric columns (pairwise-complete rows), Cramér's V between two
// discrete columns (missing as a category), and the correlation ratio η
// between a numeric and a discrete column.
func Association(f *Frame) [][]float64 {
	cols := f.Schema.Columns
	m := make([][]float64, len(cols))
	for a := range cols {
		m[a] = make([]float64, len(cols))
		m[a][a] = 1
	}
	for a := range cols {
		for b := a + 1; b < len(cols); b++ {
			var r float64
			da, db := cols[a].Kind.Discrete(), cols[b].Kind.Discrete()
			switch {
			case !da && !db:
				r = pearson(f.Cols[a], f.Cols[b])
			case da && db:
				r = cramersV(f.Cols[a], f.Cols[b], len(cols[a].Categories)+1, len(cols[b].Categories)+1)
			case da:
				r = corrRatio(f.Cols[b], f.Cols[a], len(cols[a].Categories)+1)
			default:
				r = corrRatio(f.Cols[a], f.Cols[b], len(cols[b].Categories)+1)
			}
			m[a][b], m[b][a] = r, r
		}
	}
	return m
}

// CorrDiff is the mean absolute difference of the off-diagonal entries of
// the association matrices of real and syn.
func CorrDiff(real, syn *Frame) float64 {
	ra, sa := Association(real), Association(syn)
	s, n := 0.0, 0
	for a := range ra {
		for b := a + 1; b < len(ra); b++ {
			s += math.Abs(ra[a][b] - sa[a][b])
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

// pearson is the correlation of x and y over rows where both are present
// (0 when either is constant).
func pearson(x, y []float64) float64 {
	var sx, sy, sxx, syy, sxy, n float64
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) {
			continue
		}
		n++
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		syy += y[i] * y[i]
		sxy += x[i] * y[i]
	}
	vx, vy := sxx-sx*sx/n, syy-sy*sy/n
	if n < 2 || vx <= 0 || vy <= 0 {
		return 0
	}
	return (sxy - sx*sy/n) / math.Sqrt(vx*vy)
}

// class maps a discrete cell to 0..k−1 with missing as k−1.
func class(v float64, k int) int {
	if math.IsNaN(v) {
		return k - 1
	}
	return int(v)
}

// cramersV is √(χ²/(n·(min(r, c) − 1))) over the classes that occur.
func cramersV(x, y []float64, kx, ky int) float64 {
	t := make([][]float64, kx)
	for a := range t {
		t[a] = make([]float64, ky)
	}
	rows, cols := make([]float64, kx), make([]float64, ky)
	n := float64(len(x))
	for i := range x {
		a, b := class(x[i], kx), class(y[i], ky)
		t[a][b]++
		rows[a]++
		cols[b]++
	}
	chi, r, c := 0.0, 0, 0
	for a := range kx {
		if rows[a] > 0 {
			r++
		}
	}
	for b := range ky {
		if cols[b] > 0 {
			c++
		}
	}
	for a := range kx {
		for b := range ky {
			if e := rows[a] * cols[b] / n; e > 0 {
				chi += (t[a][b] - e) * (t[a][b] - e) / e
			}
		}
	}
	if min(r, c) < 2 {
		return 0
	}
	return math.Sqrt(chi / (n * float64(min(r, c)-1)))
}

// corrRatio is η = √(between-group variance / total variance) of the numbers
// x grouped by the classes of g (rows with x missing skipped).
func corrRatio(x, g []float64, k int) float64 {
	sum, cnt := make([]float64, k), make([]float64, k)
	var tot, tot2, n float64
	for i := range x {
		if math.IsNaN(x[i]) {
			continue
		}
		c := class(g[i], k)
		sum[c] += x[i]
		cnt[c]++
		tot += x[i]
		tot2 += x[i] * x[i]
		n++
	}
	if n < 2 {
		return 0
	}
	mean := tot / n
	between := 0.0
	for c := range k {
		if cnt[c] > 0 {
			d := sum[c]/cnt[c] - mean
			between += cnt[c] * d * d
		}
	}
	total := tot2 - n*mean*mean
	if total <= 0 {
		return 0
	}
	return math.Sqrt(min(between/total, 1))
}

// medianDCR is the median over the rows of q of the Euclidean distance to
// the closest row of ref (the distance to closest record).
func medianDCR(q, ref [][]float64) float64 {
	d := make([]float64, len(q))
	for i, a := range q {
		best := math.Inf(1)
		for _, b := range ref {
			s := 0.0
			for k := range a {
				s += (a[k] - b[k]) * (a[k] - b[k])
				if s >= best {
					break
				}
			}
			best = min(best, s)
		}
		d[i] = math.Sqrt(best)
	}
	sort.Float64s(d)
	if len(d) == 0 {
		return math.NaN()
	}
	if len(d)%2 == 1 {
		return d[len(d)/2]
	}
	return (d[len(d)/2-1] + d[len(d)/2]) / 2
}
