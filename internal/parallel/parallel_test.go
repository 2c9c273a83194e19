package parallel

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// visitOnce runs For(n, grain) and says which index it did not visit
// exactly once ("" when none).
func visitOnce(n, grain int) string {
	hits := make([]int32, n)
	For(n, grain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			atomic.AddInt32(&hits[i], 1)
		}
	})
	for i, h := range hits {
		if h != 1 {
			return fmt.Sprintf("For(%d, %d): index %d visited %d times, want 1", n, grain, i, h)
		}
	}
	return ""
}

func TestForCoversEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 100, 1001} {
		for _, grain := range []int{1, 3, 64, 5000} {
			if msg := visitOnce(n, grain); msg != "" {
				t.Fatal(msg)
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

// TestChunks checks the chunk counts on one to four workers against
// counts worked out by hand: ceil(n/grain), at most four per worker,
// rounded up to a multiple of the workers where n allows; one kept one,
// none for no items.
func TestChunks(t *testing.T) {
	for _, c := range []struct{ n, grain, workers, want int }{
		{0, 1, 2, 0}, {1, 1, 2, 1}, {1, 100, 2, 1}, {6, 0, 2, 6},
		{3, 1, 2, 3},           // 3 rounds up to 4, more than the items
		{5, 2, 2, 4},           // 3 rounds up to 4
		{7, 1, 2, 7},           // 7 rounds up to 8, more than the items
		{100, 34, 2, 4},        // 3 rounds up to 4
		{100, 15, 2, 8},        // 7 rounds up to 8
		{1000, 1, 2, 8},        // four per worker
		{1 << 20, 16384, 2, 8}, // 64, four per worker
		{100, 15, 1, 4},        // one worker: four chunks, no rounding
		{100, 15, 3, 9}, {100, 60, 3, 3}, {100, 40, 3, 3}, {100, 1, 3, 12},
		{100, 15, 4, 8}, {100, 30, 4, 4}, {100, 60, 4, 4}, {100, 1, 4, 16}, {3, 1, 4, 3},
	} {
		if got := chunks(c.n, c.grain, c.workers); got != c.want {
			t.Errorf("chunks(%d, %d) on %d workers = %d, want %d", c.n, c.grain, c.workers, got, c.want)
		}
	}
}

// TestBalanced checks Balanced's counts against counts worked out by
// hand: a multiple of the workers (of four per worker above that) unless
// that would give chunks of no items, never fewer than asked for nor more
// than n (but at least one), one kept one.
func TestBalanced(t *testing.T) {
	for _, c := range []struct{ n, want, workers, got int }{
		{16, 3, 2, 4}, {16, 2, 2, 2}, {16, 1, 2, 1}, {64, 11, 2, 16}, {64, 13, 2, 16}, {64, 7, 2, 8},
		{64, 32, 2, 32}, {3, 3, 2, 3}, {5, 5, 4, 5}, {16, 3, 1, 3}, {16, 5, 4, 8}, {100, 17, 4, 32},
		{3, 5, 1, 3}, {3, 5, 2, 3}, {0, 0, 2, 1}, {0, 5, 2, 1}, // more than n asked for: n, at least one
	} {
		if got := balanced(c.n, c.want, c.workers); got != c.got {
			t.Errorf("balanced(%d, %d) on %d workers = %d, want %d", c.n, c.want, c.workers, got, c.got)
		}
	}
}

// TestForBackToBack runs For calls from several goroutines at once, with
// pauses of various lengths between calls so that the workers are found
// running, spinning for the next task and parked, and checks that every
// call visits every index once.
func TestForBackToBack(t *testing.T) {
	done := make(chan string, 3)
	for g := range 3 {
		go func() {
			for i := range 300 {
				if msg := visitOnce(1+(i*7+g)%97, 1+i%5); msg != "" {
					done <- fmt.Sprintf("goroutine %d, call %d: %s", g, i, msg)
					return
				}
				if i%10 == 0 {
					time.Sleep(time.Duration(i%4) * 40 * time.Microsecond)
				}
			}
			done <- ""
		}()
	}
	for range 3 {
		if msg := <-done; msg != "" {
			t.Fatal(msg)
		}
	}
}
