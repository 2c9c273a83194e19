package series

import (
	"fmt"
	"time"
)

// Split cuts s at the first row at or after at: past holds the rows before
// (training), future the rest (test). Time order is kept; nothing is
// shuffled across the cut. Both parts must be non-empty.
func Split(s *Series, at time.Time) (past, future *Series, err error) {
	if s.Times == nil {
		return nil, nil, fmt.Errorf("series: split %s at %s: the time column %q holds numbers, not dates; use SplitRows", s.File, at.Format(time.DateOnly), s.TimeName)
	}
	return SplitRows(s, s.Index(at))
}

// SplitRows cuts s before row i: rows [0, i) and [i, T). Both parts must be
// non-empty. A validation tail of a training part is SplitRows(train,
// train.Len()−n).
func SplitRows(s *Series, i int) (past, future *Series, err error) {
	if i <= 0 || i >= s.Len() {
		return nil, nil, fmt.Errorf("series: split %s before row %d of %d: want both parts non-empty", s.File, i, s.Len())
	}
	return s.Slice(0, i), s.Slice(i, s.Len()), nil
}

// Windows returns the first rows of windows of length rows taken every
// stride rows inside rows [lo, hi): lo, lo+stride, … while the window ends
// by hi. Cutting each split part separately keeps every window on one side
// of a train/test boundary.
func Windows(lo, hi, length, stride int) ([]int, error) {
	if length < 1 || stride < 1 || lo < 0 || hi < lo {
		return nil, fmt.Errorf("series: windows of length %d, stride %d in rows [%d, %d): want length and stride ≥ 1 and 0 ≤ lo ≤ hi", length, stride, lo, hi)
	}
	var starts []int
	for s := lo; s+length <= hi; s += stride {
		starts = append(starts, s)
	}
	return starts, nil
}
