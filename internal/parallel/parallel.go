// Package parallel is diffusego's worker pool: For splits a range of work
// into chunks and runs them on GOMAXPROCS long-lived workers.
//
// The split depends only on n and grain, never on timing, so kernels that
// write disjoint ranges, and reductions that add per-chunk partial sums in
// chunk order, give the same bits on every run.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// task is one For call: chunks are claimed from next by the caller and by
// any worker that picks up one of its invitations.
type task struct {
	fn   func(lo, hi int)
	n, c int
	next atomic.Int64
	wg   sync.WaitGroup
}

// run claims and runs chunks until none is left.
func (t *task) run() {
	for {
		i := int(t.next.Add(1) - 1)
		if i >= t.c {
			return
		}
		t.fn(i*t.n/t.c, (i+1)*t.n/t.c)
		t.wg.Done()
	}
}

var (
	startOnce sync.Once
	invites   chan *task
	workers   int
)

func start() {
	workers = runtime.GOMAXPROCS(0)
	invites = make(chan *task, 64*workers)
	for range workers {
		go func() {
			for t := range invites {
				t.run()
			}
		}()
	}
}

// Workers is the number of workers (GOMAXPROCS when the pool started).
func Workers() int {
	startOnce.Do(start)
	return workers
}

// Chunks returns how many chunks For splits n items into with the given
// grain (the smallest chunk worth a worker): at most 4 per worker, at most
// ceil(n/grain), at least 1 when n > 0.
func Chunks(n, grain int) int {
	if n <= 0 {
		return 0
	}
	if grain < 1 {
		grain = 1
	}
	c := (n + grain - 1) / grain
	if m := 4 * Workers(); c > m {
		c = m
	}
	return c
}

// For calls fn(lo, hi) over disjoint ranges that cover [0, n), in parallel,
// and returns when all are done. Chunk i covers [i*n/c, (i+1)*n/c) with
// c = Chunks(n, grain). With one chunk, fn runs on the calling goroutine.
// The caller runs chunks too, and waits only for chunks that another
// goroutine has already started, so nested For calls cannot deadlock.
func For(n, grain int, fn func(lo, hi int)) {
	c := Chunks(n, grain)
	if c == 0 {
		return
	}
	if c == 1 {
		fn(0, n)
		return
	}
	t := &task{fn: fn, n: n, c: c}
	t.wg.Add(c)
	for i := 0; i < c-1 && i < workers; i++ {
		select {
		case invites <- t:
		default: // every worker is busy and the queue is full: do it here
		}
	}
	t.run()
	t.wg.Wait()
}

// ForChunks is For with the chunk index: fn(chunk, lo, hi). Use it for
// reductions that keep one partial result per chunk and then add the
// partials in chunk order, which makes the result independent of timing.
// It returns the number of chunks.
func ForChunks(n, grain int, fn func(chunk, lo, hi int)) int {
	c := Chunks(n, grain)
	if c == 0 {
		return 0
	}
	For(c, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			fn(i, i*n/c, (i+1)*n/c)
		}
	})
	return c
}
