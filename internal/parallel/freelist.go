package parallel

import (
	"sync"
	"sync/atomic"
)

// FreeList keeps values, scratch buffers for kernels that run on the
// workers, for reuse between calls. Unlike a sync.Pool it keeps them
// through garbage collections, so a training loop does not reallocate
// megabytes of scratch space after every collection; values come back
// only through Put, so it never holds more than were out at once.
//
// Get and Put take no lock while values fit in the list's slots (four per
// worker): each slot holds one value or none and is taken and filled by a
// single atomic swap, so two workers that both want a buffer at the start
// of a parallel call do not queue on a mutex. Values past the slots go to
// an overflow stack behind a mutex. The zero FreeList is empty and ready.
type FreeList[T any] struct {
	once  sync.Once
	slots []atomic.Pointer[T]
	more  atomic.Int32 // values on the overflow stack
	mu    sync.Mutex
	stack []*T
}

// init makes the slots, on first use: four per worker.
func (f *FreeList[T]) init() { f.slots = make([]atomic.Pointer[T], 4*Workers()) }

// Get takes a value from the list, or returns nil when it is empty.
func (f *FreeList[T]) Get() *T {
	f.once.Do(f.init)
	for i := range f.slots {
		s := &f.slots[i]
		if s.Load() != nil {
			if x := s.Swap(nil); x != nil {
				return x
			}
		}
	}
	if f.more.Load() == 0 {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.stack)
	if n == 0 {
		return nil
	}
	x := f.stack[n-1]
	f.stack[n-1] = nil
	f.stack = f.stack[:n-1]
	f.more.Add(-1)
	return x
}

// Put gives x back to the list for a later Get.
func (f *FreeList[T]) Put(x *T) {
	f.once.Do(f.init)
	for i := range f.slots {
		s := &f.slots[i]
		if s.Load() == nil && s.CompareAndSwap(nil, x) {
			return
		}
	}
	f.mu.Lock()
	f.stack = append(f.stack, x)
	f.more.Add(1)
	f.mu.Unlock()
}
