package optim

import (
	"sort"
	"sync/atomic"

	"github.com/diffusego/diffusego/internal/parallel"
)

// ranges lays the data of several parameters end to end, so that an
// elementwise pass over all of them is one parallel loop: every worker
// gets an equal share of the elements, however they are spread over the
// parameters. A loop per parameter leaves the many small ones (biases,
// norms, 32-channel filters, each under one grain) to the calling
// goroutine and pays a dispatch for every large one. The pass is
// elementwise, so the split cannot change a result.
type ranges struct {
	offs []int         // offs[i] is parameter i's first element; offs[len] the total
	bad  []atomic.Bool // checkGrads: parameter i's gradient is not finite
}

// reset lays out parameters of the given sizes (0: left out of the pass).
func (r *ranges) reset(sizes func(i int) int, n int) {
	r.offs = append(r.offs[:0], 0)
	for i := range n {
		r.offs = append(r.offs, r.offs[i]+sizes(i))
	}
}

// each calls fn(i, lo, hi) for ranges [lo, hi) of parameter i's elements
// that together cover every element of every parameter once, in parallel.
func (r *ranges) each(fn func(i, lo, hi int)) {
	offs := r.offs
	n := len(offs) - 1
	if n < 1 {
		return
	}
	parallel.For(offs[n], grain, func(lo, hi int) {
		// The parameter holding element lo: the first whose end is past it.
		i := sort.Search(n, func(k int) bool { return offs[k+1] > lo })
		for lo < hi {
			for offs[i+1] <= lo { // skip the empty ones
				i++
			}
			e := min(hi, offs[i+1])
			fn(i, lo-offs[i], e-offs[i])
			lo = e
		}
	})
}
