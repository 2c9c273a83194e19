//go:build !purego

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestNormActDispatch checks which norm and activation paths start-up
// picks: AVX-512 where the CPU has it, AVX2 under DIFFUSEGO_KERNELS=avx2,
// Go under DIFFUSEGO_KERNELS=generic.
func TestNormActDispatch(t *testing.T) {
	defer func(g, a bool) { genericForced, avx2Forced = g, a }(genericForced, avx2Forced)
	best := "generic"
	switch {
	case hasAVX512:
		best = "avx512"
	case hasAVX2FMA:
		best = "avx2"
	}
	avx2 := "generic"
	if hasAVX2FMA {
		avx2 = "avx2"
	}
	silus := map[string]actFunc{"generic": siluGeneric, "avx2": siluVec, "avx512": siluVec512}
	for _, c := range []struct {
		generic, avx2 bool
		want          string
	}{{false, false, best}, {false, true, avx2}, {true, false, "generic"}} {
		genericForced, avx2Forced = c.generic, c.avx2
		if got := normDispatch().name; got != c.want {
			t.Errorf("generic=%v avx2=%v: norm path %s, want %s", c.generic, c.avx2, got, c.want)
		}
		silu, _ := actDispatch()
		if reflect.ValueOf(silu).Pointer() != reflect.ValueOf(silus[c.want]).Pointer() {
			t.Errorf("generic=%v avx2=%v: SiLU is not the %s path", c.generic, c.avx2, c.want)
		}
	}
}

// TestAct512MatchesAVX2 checks that the AVX-512 SiLU and Sigmoid give the
// AVX2 path's bits exactly (the same instructions
// on each lane), for every length 0..100 at offsets 0..3, on normal values,
// values past the clamps and the flush, zeros, infinities and NaN.
func TestAct512MatchesAVX2(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512F on this CPU")
	}
	r := rand.New(rand.NewPCG(17, 18))
	special := []float32{0, float32(math.Copysign(0, -1)), 88.7, -88.7, -87.3, 89, -89, 1000, -1000,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e-30, -1e-30}
	buf := make([]float32, 104)
	for n := 0; n <= 100; n++ {
		for off := 0; off < 4; off++ {
			for i := range buf {
				buf[i] = float32(r.NormFloat64() * 8)
				if r.IntN(8) == 0 {
					buf[i] = special[r.IntN(len(special))]
				}
			}
			x := buf[off : off+n]
			for _, k := range []struct {
				name      string
				avx2, avx func(y, x []float32)
			}{
				{"SiLU", siluVec, siluVec512},
				{"Sigmoid", sigmoidVec, sigmoidVec512},
			} {
				ya, yb := make([]float32, n), make([]float32, n)
				k.avx2(ya, x)
				k.avx(yb, x)
				for i := range x {
					if !sameBits(ya[i], yb[i]) {
						t.Fatalf("%s n=%d off=%d x=%v: avx2 %v, avx512 %v", k.name, n, off, x[i], ya[i], yb[i])
					}
				}
			}
		}
	}
}

// BenchmarkSiLUPlane runs every SiLU path on one plane of each of
// bench-unet's resolutions, as GroupNorm+SiLU does plane by plane (7×7 and
// 14×14 are not multiples of 16: their tails matter).
func BenchmarkSiLUPlane(b *testing.B) {
	for _, n := range []int{49, 196, 784} {
		x, y := make([]float32, n), make([]float32, n)
		for i := range x {
			x[i] = float32(i%17) - 8
		}
		for _, p := range actPaths() {
			b.Run(fmt.Sprintf("n=%d/%s", n, p.name), func(b *testing.B) {
				for b.Loop() {
					p.silu(y, x)
				}
			})
		}
	}
}
