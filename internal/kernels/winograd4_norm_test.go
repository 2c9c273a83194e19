package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// randAffine is a map per plane that sends standard normal inputs to a
// wide range of z, some past SiLU's flush to zero (z < −88.7) and some
// large and positive.
func randAffine(r *rand.Rand, n int) []NormSiLUAffine {
	aff := make([]NormSiLUAffine, n)
	for i := range aff {
		a := r.NormFloat64() * 2
		if i%4 == 3 {
			a *= 80
		}
		aff[i] = NormSiLUAffine{Mu: r.NormFloat64() * 0.5, A: a, Sh: r.NormFloat64()}
	}
	return aff
}

// TestWinograd4InputNormSiLU checks the fused input transform against the
// two steps it replaces, bit for bit: each plane through NormAffine and
// SiLU into an image, then Winograd4Input of that image. Shapes with
// partial tiles, images narrower than a tile, samples further apart than
// their channels, and both the serial and the parallel run.
func TestWinograd4InputNormSiLU(t *testing.T) {
	r := rand.New(rand.NewPCG(93, 94))
	for _, c := range []struct{ n, cin, h, w, gap int }{
		{1, 1, 1, 1, 0}, {2, 3, 5, 7, 3}, {3, 2, 4, 4, 0}, {1, 5, 9, 2, 1}, {2, 4, 17, 35, 0}, {3, 3, 7, 7, 5}, {2, 2, 14, 14, 0},
	} {
		for _, par := range []bool{false, true} {
			t.Run(fmt.Sprintf("%+v/par=%v", c, par), func(t *testing.T) {
				hw := c.h * c.w
				inSize := c.cin*hw + c.gap
				x := randSlice(r, c.n*inSize)
				aff := randAffine(r, c.n*c.cin)
				y := make([]float32, len(x)) // the two steps' activated image
				for s := range c.n {
					for ch := range c.cin {
						m := aff[s*c.cin+ch]
						p := s*inSize + ch*hw
						NormAffine(y[p:p+hw], x[p:p+hw], m.Mu, m.A, m.Sh)
						SiLU(y[p:p+hw], y[p:p+hw])
					}
				}
				tiles := Winograd4Tiles(c.h, c.w)
				ld := c.n*tiles + WinogradPad + r.IntN(3)
				want := make([]float32, 36*c.cin*ld)
				got := make([]float32, len(want))
				Winograd4Input(want, c.cin*ld, ld, y, inSize, c.n, c.cin, c.h, c.w, par)
				Winograd4InputNormSiLU(got, c.cin*ld, ld, x, inSize, c.n, c.cin, c.h, c.w, aff, par)
				for xi := range 36 {
					for ch := range c.cin {
						for k := range c.n * tiles {
							i := xi*c.cin*ld + ch*ld + k
							if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
								t.Fatalf("ξ=%d ch=%d tile %d: %v, want %v", xi, ch, k, got[i], want[i])
							}
						}
					}
				}
			})
		}
	}
}
