package autograd

import "sync"

// float64s keeps the small float64 scratch slices of the norm ops (per-row
// statistics, per-block partial sums), so that a pass does not leave them
// to the collector. A sync.Pool fits: they are a few KiB, cheap to make
// again after a collection empties the pool.
var float64s sync.Pool

// getFloat64s returns a slice of length n with unspecified contents.
func getFloat64s(n int) *[]float64 {
	if p, ok := float64s.Get().(*[]float64); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	s := make([]float64, n)
	return &s
}

// putFloat64s gives p back; the caller must not use it again.
func putFloat64s(p *[]float64) { float64s.Put(p) }
