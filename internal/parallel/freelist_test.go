package parallel

import (
	"runtime"
	"sync"
	"testing"
)

// TestFreeListKeepsEveryValue puts back more values than the list has
// slots and checks that Get returns each of them once, then nil.
func TestFreeListKeepsEveryValue(t *testing.T) {
	var f FreeList[int]
	if x := f.Get(); x != nil {
		t.Fatalf("Get on an empty list = %d, want nil", *x)
	}
	n := 4*Workers() + 5 // past the slots, onto the overflow stack
	for i := range n {
		f.Put(&i)
	}
	seen := make([]bool, n)
	for range n {
		x := f.Get()
		if x == nil {
			t.Fatalf("Get = nil with values left (%d put back)", n)
		}
		if seen[*x] {
			t.Fatalf("Get returned value %d twice", *x)
		}
		seen[*x] = true
	}
	if x := f.Get(); x != nil {
		t.Fatalf("Get after taking all %d values = %d, want nil", n, *x)
	}
}

// TestFreeListOwnership has goroutines take values, mark them as theirs,
// check that nobody else marked them meanwhile and give them back: a
// value handed to two takers at once fails it (run it with -race). Each
// takes several values at a time, yielding between, so that more values
// are out, and come back, than the slots hold: the overflow stack is
// taken from and put to concurrently too.
func TestFreeListOwnership(t *testing.T) {
	var f FreeList[int]
	var wg sync.WaitGroup
	const takers, held = 8, 4
	errs := make(chan string, takers)
	for g := 1; g <= takers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var xs [held]*int
			for range 1000 {
				for i := range xs {
					x := f.Get()
					if x == nil {
						x = new(int)
					}
					if *x != 0 {
						errs <- "a value was taken while another goroutine held it"
						return
					}
					*x = g
					xs[i] = x
					runtime.Gosched()
				}
				for _, x := range xs {
					if *x != g {
						errs <- "a value changed while its taker held it"
						return
					}
					*x = 0
					f.Put(x)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if msg, ok := <-errs; ok {
		t.Fatal(msg)
	}
}
