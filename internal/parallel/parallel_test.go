package parallel

import (
	"sync/atomic"
	"testing"
)

func TestForCoversEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 100, 1001} {
		for _, grain := range []int{1, 3, 64, 5000} {
			hits := make([]int32, n)
			For(n, grain, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					atomic.AddInt32(&hits[i], 1)
				}
			})
			for i, h := range hits {
				if h != 1 {
					t.Fatalf("For(%d, %d): index %d visited %d times, want 1", n, grain, i, h)
				}
			}
		}
	}
}

func TestNestedForDoesNotDeadlock(t *testing.T) {
	var total atomic.Int64
	For(64, 1, func(lo, hi int) {
		For(64, 1, func(lo2, hi2 int) { total.Add(int64((hi - lo) * (hi2 - lo2))) })
	})
	if got := total.Load(); got != 64*64 {
		t.Fatalf("nested For visited %d cells, want %d", got, 64*64)
	}
}

func TestForChunksSplitDependsOnlyOnSizes(t *testing.T) {
	var a, b [][2]int
	c1 := ForChunks(1000, 10, func(c, lo, hi int) {})
	for i := 0; i < c1; i++ {
		a = append(a, [2]int{i * 1000 / c1, (i + 1) * 1000 / c1})
	}
	c2 := Chunks(1000, 10)
	for i := 0; i < c2; i++ {
		b = append(b, [2]int{i * 1000 / c2, (i + 1) * 1000 / c2})
	}
	if c1 != c2 || len(a) != len(b) {
		t.Fatalf("ForChunks used %d chunks, Chunks says %d", c1, c2)
	}
}
