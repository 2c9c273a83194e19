package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestWinogradRowPaths checks every row transform path against the Go
// loops, bit for bit, for every tile count up to 40 (whole vectors and
// remainders), with blocks of odd strides, and that nothing outside what
// a path may write (its vectors of tiles) changes.
func TestWinogradRowPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	for _, p := range winoPaths() {
		for n := 1; n <= 40; n++ {
			v := ceilDiv(n, 16) * 16 // what any path may write
			blk := v + r.IntN(5)
			rw := 2*v + 2 + r.IntN(3)
			q := 2 // a row of an image; a band's second half otherwise
			if n%2 == 1 {
				q = 2*v + r.IntN(7)
				rw += q
			}
			rows := randSlice(r, 4*rw)
			r0, r1, r2, r3 := rows[:rw], rows[rw:2*rw], rows[2*rw:3*rw], rows[3*rw:]
			t.Run(fmt.Sprintf("%s/n=%d", p.name, n), func(t *testing.T) {
				want := randSlice(r, 16*blk)
				got := append([]float32(nil), want...)
				winoInRowGeneric(want, blk, r0, r1, r2, r3, q, n)
				p.in(got, blk, r0, r1, r2, r3, q, n)
				checkWinoRows(t, "in", got, want, blk, n, v)

				want = randSlice(r, 16*blk)
				got = append([]float32(nil), want...)
				winoGradRowGeneric(want, blk, r0, r1, n)
				p.grad(got, blk, r0, r1, n)
				checkWinoRows(t, "grad", got, want, blk, n, v)

				src := randSlice(r, 16*blk)
				y := randSlice(r, 4*v)
				yw := append([]float32(nil), y...)
				winoOutRowGeneric(yw[:2*v], yw[2*v:], src, blk, n)
				p.out(y[:2*v], y[2*v:], src, blk, n)
				for i := range 2 * n {
					for _, at := range []int{i, 2*v + i} {
						if math.Float32bits(y[at]) != math.Float32bits(yw[at]) {
							t.Fatalf("out: y[%d] = %v, want %v", at, y[at], yw[at])
						}
					}
				}
			})
		}
	}
}

// checkWinoRows fails t unless got equals want in the n tiles of every
// block, bit for bit, and outside each block's first v tiles.
func checkWinoRows(t *testing.T, what string, got, want []float32, blk, n, v int) {
	t.Helper()
	for i := range got {
		tx := i % blk
		if tx >= n && tx < v {
			continue // room the vector kernels may write
		}
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: block %d, tile %d = %v, want %v", what, i/blk, tx, got[i], want[i])
		}
	}
}

// TestWinogradConv convolves through the transforms (16 products with
// GemmNaive) and checks the result, the input's gradient (the same
// convolution with flipped filters) and the filter's gradient against
// float64 direct sums, on odd and even sizes, one and several samples,
// with and without workers, rows of tiles one by one and as one band.
func TestWinogradConv(t *testing.T) {
	r := rand.New(rand.NewPCG(63, 64))
	for _, c := range []struct{ n, cin, cout, h, w int }{
		{1, 1, 1, 1, 1}, {2, 3, 2, 5, 7}, {3, 2, 4, 4, 4}, {1, 5, 3, 9, 2}, {2, 4, 4, 17, 35},
	} {
		for _, mode := range []struct {
			par  bool
			band int
		}{{false, 4}, {true, 4}, {false, 0}, {true, 1 << 20}} {
			par := mode.par
			t.Run(fmt.Sprintf("%+v/par=%v/band=%d", c, par, mode.band), func(t *testing.T) {
				defer func(b int) { winoBandMax = b }(winoBandMax)
				winoBandMax = mode.band
				inSize, outSize := c.cin*c.h*c.w, c.cout*c.h*c.w
				x := randSlice(r, c.n*inSize)
				w := randSlice(r, c.cout*c.cin*9)
				dy := randSlice(r, c.n*outSize)
				tiles := WinogradTiles(c.h, c.w)
				ld := c.n*tiles + WinogradPad + r.IntN(3)

				u := make([]float32, 16*c.cout*c.cin)
				WinogradFilter(u, w, c.cout, c.cin)
				v := randSlice(r, 16*c.cin*ld)
				WinogradInput(v, c.cin*ld, ld, x, inSize, c.n, c.cin, c.h, c.w, par)
				m := randSlice(r, 16*c.cout*ld)
				for xi := range 16 {
					GemmNaive(false, false, c.cout, c.n*tiles, c.cin, 1, u[xi*c.cout*c.cin:], c.cin,
						v[xi*c.cin*ld:], ld, 0, m[xi*c.cout*ld:], ld)
				}
				y := randSlice(r, c.n*outSize)
				WinogradOutput(y, outSize, false, nil, m, c.cout*ld, ld, c.n, c.cout, c.h, c.w, par)
				y0 := append([]float32(nil), y...)
				WinogradOutput(y, outSize, true, nil, m, c.cout*ld, ld, c.n, c.cout, c.h, c.w, par) // adds: 2y

				// Filter gradient: Gᵀ (Σ dM_ξ V_ξᵀ) G, added into dw.
				dm := randSlice(r, 16*c.cout*ld)
				WinogradOutputGrad(dm, c.cout*ld, ld, dy, outSize, c.n, c.cout, c.h, c.w, par)
				du := make([]float32, 16*c.cout*c.cin)
				for xi := range 16 {
					GemmNaive(false, true, c.cout, c.cin, c.n*tiles, 1, dm[xi*c.cout*ld:], ld,
						v[xi*c.cin*ld:], ld, 0, du[xi*c.cout*c.cin:], c.cin)
				}
				dw := make([]float32, len(w))
				dw[0] = 1 // WinogradFilterGrad adds
				WinogradFilterGrad(dw, du, c.cout, c.cin)
				dw[0]--

				want := make([]float64, len(y))
				wantW := make([]float64, len(w))
				scale := make([]float64, len(y))
				for s := range c.n {
					for o := range c.cout {
						for oy := range c.h {
							for ox := range c.w {
								var sum, abs float64
								d := float64(dy[s*outSize+(o*c.h+oy)*c.w+ox])
								for ci := range c.cin {
									for ki := range 3 {
										for kj := range 3 {
											iy, ix := oy+ki-1, ox+kj-1
											if iy < 0 || iy >= c.h || ix < 0 || ix >= c.w {
												continue
											}
											xv := float64(x[s*inSize+(ci*c.h+iy)*c.w+ix])
											wi := ((o*c.cin+ci)*3+ki)*3 + kj
											sum += xv * float64(w[wi])
											abs += math.Abs(xv * float64(w[wi]))
											wantW[wi] += d * xv
										}
									}
								}
								at := s*outSize + (o*c.h+oy)*c.w + ox
								want[at], scale[at] = sum, abs
							}
						}
					}
				}
				for i := range want {
					if e := math.Abs(float64(y0[i])-want[i]) / max(scale[i], 1e-30); e > 1e-6 {
						t.Fatalf("y[%d] = %v, want %v (relative error %.3g)", i, y0[i], want[i], e)
					}
					if y[i] != 2*y0[i] {
						t.Fatalf("adding: y[%d] = %v, want %v", i, y[i], 2*y0[i])
					}
				}
				for i := range wantW {
					if math.Abs(float64(dw[i])-wantW[i]) > 1e-5*(1+math.Abs(wantW[i])) {
						t.Fatalf("dw[%d] = %v, want %v", i, dw[i], wantW[i])
					}
				}
			})
		}
	}
}
