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

// TestForChunksSplitDependsOnlyOnSizes records the (chunk, lo, hi) that
// ForChunks actually visits: chunk i must cover [i·n/c, (i+1)·n/c) with
// c = Chunks(n, grain), every chunk exactly once, on every run.
func TestForChunksSplitDependsOnlyOnSizes(t *testing.T) {
	for _, n := range []int{1, 7, 1000} {
		for _, grain := range []int{1, 10, 5000} {
			c := Chunks(n, grain)
			for run := 0; run < 3; run++ {
				seen := make([][2]int, c)
				var visits atomic.Int32
				got := ForChunks(n, grain, func(chunk, lo, hi int) {
					seen[chunk] = [2]int{lo, hi}
					visits.Add(1)
				})
				if got != c || int(visits.Load()) != c {
					t.Fatalf("ForChunks(%d, %d): %d chunks reported, %d visited, want %d", n, grain, got, visits.Load(), c)
				}
				for i, r := range seen {
					if want := [2]int{i * n / c, (i + 1) * n / c}; r != want {
						t.Fatalf("ForChunks(%d, %d) chunk %d covered %v, want %v", n, grain, i, r, want)
					}
				}
			}
		}
	}
}
