package serve

import (
	"github.com/diffusego/diffusego/tensor"
)

// batchJobs is what a batched sampling call (runSampleBatch,
// runTextImageBatch) keeps of its jobs: job j's images are rows lo[j] …
// lo[j+1]−1 of the call's, and its own context (envs[j].ctx) ends it
// alone. A job whose context ends is dropped at the next step: quit is
// called with its context's error and it gets no more events, while the
// others go on (its rows are still computed, as part of the call, and
// thrown away).
type batchJobs struct {
	envs    []*runEnv
	lo      []int
	dropped []bool
	errs    []error
	quit    func(j int, err error)
}

// newBatchJobs sets up a call whose job j (environment envs[j]) has
// counts[j] images, in order.
func newBatchJobs(envs []*runEnv, counts []int, quit func(j int, err error)) *batchJobs {
	b := &batchJobs{envs: envs, lo: make([]int, len(envs)+1), dropped: make([]bool, len(envs)), errs: make([]error, len(envs)), quit: quit}
	for j, n := range counts {
		b.lo[j+1] = b.lo[j] + n
	}
	return b
}

// fail gives every job err: the call could not start.
func (b *batchJobs) fail(err error) []error {
	for j := range b.errs {
		b.errs[j] = err
	}
	return b.errs
}

// visit calls f with its rows of x for every job still running, after
// dropping those whose own context ended.
func (b *batchJobs) visit(x *tensor.Tensor, f func(j int, rows *tensor.Tensor)) {
	for j, e := range b.envs {
		if b.dropped[j] {
			continue
		}
		if err := e.ctx.Err(); err != nil {
			b.dropped[j], b.errs[j] = true, err
			b.quit(j, err)
			continue
		}
		f(j, rowsOf(x, b.lo[j], b.lo[j+1]))
	}
}

// finish returns each job's error once the call returned x and err: for
// a dropped job the error quit was given; for a job whose own context
// ended (cancel, deadline) that error rather than the call's; else the
// call's error, or, when the call succeeded, what write returns for the
// job's rows (nil: its outputs are written).
func (b *batchJobs) finish(x *tensor.Tensor, err error, write func(j int, rows *tensor.Tensor) error) []error {
	for j, e := range b.envs {
		switch {
		case b.dropped[j]:
		case e.ctx.Err() != nil:
			b.errs[j] = e.ctx.Err()
		case err != nil:
			b.errs[j] = err
		default:
			b.errs[j] = write(j, rowsOf(x, b.lo[j], b.lo[j+1]))
		}
	}
	return b.errs
}

// rowsOf is items lo … hi−1 of x: (N, …), sharing its data.
func rowsOf(x *tensor.Tensor, lo, hi int) *tensor.Tensor {
	per := x.Len() / x.Dim(0)
	return tensor.FromData(x.Data[lo*per:hi*per], append([]int{hi - lo}, x.Shape[1:]...)...)
}
