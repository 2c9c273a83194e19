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
	"time"
)

// task is one For call: chunks are claimed from next by the caller and by
// any worker that picks up one of its invitations.
type task struct {
	fn   func(lo, hi int)
	n, c int
	next atomic.Int64
	left atomic.Int64   // chunks not finished yet
	done sync.WaitGroup // one count, released by the chunk that finishes last
}

// run claims and runs chunks until none is left.
func (t *task) run() {
	for {
		i := int(t.next.Add(1) - 1)
		if i >= t.c {
			return
		}
		t.fn(Range(i, t.n, t.c))
		if t.left.Add(-1) == 0 {
			t.done.Done()
		}
	}
}

// wait returns when every chunk has finished. It polls for up to spinFor
// first, as spin does, since a goroutine that parks here is woken onto
// the processor of the worker that finished last, behind that worker.
func (t *task) wait() {
	poll(func() bool { return t.left.Load() == 0 })
	t.done.Wait()
}

// poll calls found until it reports true, for up to spinFor: it reads the
// clock every 256 calls (about half a microsecond apart: a read took 23
// ns and spin's look for a task 1.6 ns, so reading it every 64 looks spent
// a sixth of the spin on the clock) and yields the processor every 4 reads
// (about 2 µs, as before), to goroutines of this process that wait for
// one.
func poll(found func() bool) {
	t0 := time.Now()
	for reads := 1; ; reads++ {
		for range 256 {
			if found() {
				return
			}
		}
		if time.Since(t0) >= spinFor {
			return
		}
		if reads%4 == 0 {
			runtime.Gosched()
		}
	}
}

var (
	startOnce sync.Once
	invites   chan *task
	workers   int
	offer     atomic.Pointer[task] // a task for a spinning worker to take
	spinners  atomic.Int32         // workers polling offer now
)

// spinFor is how long a worker that has run out of work polls for the
// next task before it parks. A parked worker took tens of microseconds to
// start after an invitation in traces of bench-unet (the runtime wakes a
// thread for it, and the woken goroutine can wait behind the caller on
// the caller's processor), a good part of a small operation at batch 16,
// while many of the next For calls come sooner than that: in a batch-16
// sampling trace, 65% of the workers' parks lasted under 50 µs (median
// 25 µs). On a quiet machine, with the spin (and wait's), bench-unet's
// batch-16 sampling took 56 ms a pass against 64–67 ms without (1.91
// cores busy against 1.64) and training 244–250 ms a step against
// 270–272 ms before this pool's changes, for the same CPU time; 20 µs
// was slower than 50, 100 µs within 1–2% of it. The spin is bounded and yields the processor every few
// microseconds, so that a machine busy with other work loses little to
// it.
const spinFor = 50 * time.Microsecond

func start() {
	workers = runtime.GOMAXPROCS(0)
	invites = make(chan *task, 64*workers)
	for range workers {
		go func() {
			for t := range invites {
				t.run()
				spin()
			}
		}()
	}
}

// spin polls for a task, from offer or invites, for up to spinFor since
// the last one it ran, running those it finds. Before it returns (to
// park) it leaves the spinners and looks at offer once more: a For call
// that saw it among the spinners after that has already seen offer taken
// or the spinners empty, and one that saw it before left its task where
// this last look finds it.
func spin() {
	for {
		spinners.Add(1)
		var t *task
		poll(func() bool {
			if t = takeOffer(); t == nil && len(invites) > 0 { // len: one load, no call
				select {
				case t = <-invites:
				default: // another worker took it
				}
			}
			return t != nil
		})
		spinners.Add(-1)
		if t == nil {
			if t = takeOffer(); t == nil {
				return
			}
		}
		t.run()
	}
}

// takeOffer takes the task on offer, if any.
func takeOffer() *task {
	if t := offer.Load(); t != nil && offer.CompareAndSwap(t, nil) {
		return t
	}
	return nil
}

// Workers is the number of workers (GOMAXPROCS when the pool started).
func Workers() int {
	startOnce.Do(start)
	return workers
}

// Chunks returns how many chunks For splits n items into with the given
// grain (the smallest chunk worth a worker): ceil(n/grain), at most 4 per
// worker, at least 1 when n > 0, balanced as Balanced says.
func Chunks(n, grain int) int { return chunks(n, grain, Workers()) }

// chunks is Chunks on the given number of workers.
func chunks(n, grain, workers int) int {
	if n <= 0 {
		return 0
	}
	grain = max(1, grain)
	return balanced(n, min((n+grain-1)/grain, 4*workers), workers)
}

// Balanced is the number of chunks to cut n items into, given that want
// chunks have the size to aim for and that they run in parallel, handed
// out by For (at most four ranges per worker, each of whole chunks). A
// count that the ranges do not divide evenly leaves workers idle at the
// end of every call: 3 chunks on 2 workers keep one of them idle a third
// of the time, 11 for 8 ranges give some ranges twice the work of others.
// So the count is rounded up to a multiple of the workers, or above four
// per worker to a multiple of four per worker, the chunks getting smaller
// instead; never above n (but at least one). One chunk stays one (a
// caller splits its work some other way).
func Balanced(n, want int) int { return balanced(n, want, Workers()) }

// balanced is Balanced on the given number of workers.
func balanced(n, want, workers int) int {
	want = max(1, min(n, want))
	if want == 1 || workers <= 1 {
		return want
	}
	step := workers
	if want > 4*workers {
		step = 4 * workers
	}
	return min(n, (want+step-1)/step*step)
}

// Range is chunk i of n items cut into c chunks: [i·n/c, (i+1)·n/c), as
// For cuts them. The chunks cover [0, n) in order and differ in size by
// at most one.
func Range(i, n, c int) (lo, hi int) { return i * n / c, (i + 1) * n / c }

// For calls fn(lo, hi) over disjoint ranges that cover [0, n), in parallel,
// and returns when all are done. Chunk i covers Range(i, n, c) with
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
	t.left.Store(int64(c))
	t.done.Add(1)
	help := min(c-1, workers-1) // the caller is one of the workers
	if help > 0 && spinners.Load() > 0 && offer.CompareAndSwap(nil, t) {
		help-- // a spinning worker takes it, unless none is left
		if spinners.Load() == 0 && offer.CompareAndSwap(t, nil) {
			help++
		}
	}
	for ; help > 0; help-- {
		select {
		case invites <- t:
		default: // every worker is busy and the queue is full: do it here
		}
	}
	t.run()
	offer.CompareAndSwap(t, nil) // not taken: every chunk has been claimed
	t.wait()
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
	For(c, 1, func(first, end int) {
		for i := first; i < end; i++ {
			lo, hi := Range(i, n, c)
			fn(i, lo, hi)
		}
	})
	return c
}
