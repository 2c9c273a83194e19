package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestAllFinite checks every path against math.IsNaN/IsInf for every
// length 0..100 at start offsets 0..3, with no special value and with one
// of NaN (quiet and signalling, either sign), ±Inf, or the finite
// extremes (±MaxFloat32, the smallest subnormal, −0) at every position.
func TestAllFinite(t *testing.T) {
	bad := []float32{float32(math.NaN()), math.Float32frombits(0xffc00001), math.Float32frombits(0x7f800001),
		float32(math.Inf(1)), float32(math.Inf(-1))}
	good := []float32{math.MaxFloat32, -math.MaxFloat32, math.Float32frombits(1), float32(math.Copysign(0, -1)), 1e38}
	want := func(x []float32) bool {
		for _, v := range x {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return false
			}
		}
		return true
	}
	r := rand.New(rand.NewPCG(21, 22))
	for _, p := range allFinitePaths() {
		t.Run(p.name, func(t *testing.T) {
			buf := make([]float32, 104)
			for n := 0; n <= 100; n++ {
				for off := 0; off < 4; off++ {
					for i := range buf {
						buf[i] = float32(r.NormFloat64() * 1e3)
					}
					x := buf[off : off+n]
					if got := p.fn(x); got != want(x) {
						t.Fatalf("n=%d off=%d: %v, want %v", n, off, got, want(x))
					}
					// Non-finite values just outside x must not count.
					if off > 0 {
						buf[off-1] = float32(math.NaN())
					}
					buf[off+n] = float32(math.Inf(1))
					if !p.fn(x) {
						t.Fatalf("n=%d off=%d: non-finite values outside x counted", n, off)
					}
					for at := 0; at < n; at++ {
						old := x[at]
						for _, v := range append(bad, good...) {
							x[at] = v
							if got := p.fn(x); got != want(x) {
								t.Fatalf("%s: %g (%#08x) at %d: %v, want %v",
									fmt.Sprintf("n=%d off=%d", n, off), v, math.Float32bits(v), at, got, want(x))
							}
						}
						x[at] = old
					}
				}
			}
		})
	}
}

// BenchmarkAllFinite reports elements per second of each path on a finite
// 64 Ki-float vector (an optimiser's gradient check), single-threaded.
func BenchmarkAllFinite(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, 1<<16)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	// isNaNOrInf is the loop tensor.AllFinite ran before, for reference.
	isNaNOrInf := allFinitePath{"math.IsNaN-IsInf", func(x []float32) bool {
		for _, v := range x {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				return false
			}
		}
		return true
	}}
	for _, p := range append(allFinitePaths(), isNaNOrInf) {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if !p.fn(x) {
					b.Fatal("finite vector reported non-finite")
				}
			}
			b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}
