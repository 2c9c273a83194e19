package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestWinograd4Matrices checks the matrices of F(4×4, 3×3) as the paper
// derives them: in one dimension, y = Aᵀ[(G g) ⊙ (Bᵀ d)] is the
// correlation y_i = Σ_k d_{i+k} g_k of six inputs with a 3-tap filter,
// and the row transforms wino4B, wino4A and wino4AT are Bᵀ, Aᵀ and A.
func TestWinograd4Matrices(t *testing.T) {
	bt := [6][6]float64{
		{4, 0, -5, 0, 1, 0}, {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
		{0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1},
	}
	at := [4][6]float64{{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}}
	r := rand.New(rand.NewPCG(71, 72))
	for range 100 {
		var d [6]float64
		var g [3]float64
		for i := range d {
			d[i] = r.NormFloat64()
		}
		for i := range g {
			g[i] = r.NormFloat64()
		}
		var prod [6]float64
		for xi := range 6 {
			var gg, dd float64
			for k := range 3 {
				gg += wino4G[xi][k] * g[k]
			}
			for k := range 6 {
				dd += bt[xi][k] * d[k]
			}
			prod[xi] = gg * dd
		}
		for i := range 4 {
			var y, want float64
			for xi := range 6 {
				y += at[i][xi] * prod[xi]
			}
			for k := range 3 {
				want += d[i+k] * g[k]
			}
			if math.Abs(y-want) > 1e-12*(1+math.Abs(want)) {
				t.Fatalf("F(4,3): y[%d] = %v, want %v", i, y, want)
			}
		}
		// The row transforms in float32 against the matrices.
		var f [6]float32
		for i := range f {
			f[i] = float32(d[i])
		}
		b := [6]float32{}
		b[0], b[1], b[2], b[3], b[4], b[5] = wino4B(f[0], f[1], f[2], f[3], f[4], f[5])
		var a [4]float32
		a[0], a[1], a[2], a[3] = wino4A(f[0], f[1], f[2], f[3], f[4], f[5])
		var aa [6]float32
		aa[0], aa[1], aa[2], aa[3], aa[4], aa[5] = wino4AT(f[0], f[1], f[2], f[3])
		for i := range 6 {
			var wb, wa, waa float64
			for k := range 6 {
				wb += bt[i][k] * float64(f[k])
				if i < 4 {
					wa += at[i][k] * float64(f[k])
				}
			}
			for k := range 4 {
				waa += at[k][i] * float64(f[k])
			}
			if math.Abs(float64(b[i])-wb) > 1e-5*(1+math.Abs(wb)) {
				t.Fatalf("wino4B[%d] = %v, want %v", i, b[i], wb)
			}
			if i < 4 && math.Abs(float64(a[i])-wa) > 1e-5*(1+math.Abs(wa)) {
				t.Fatalf("wino4A[%d] = %v, want %v", i, a[i], wa)
			}
			if math.Abs(float64(aa[i])-waa) > 1e-5*(1+math.Abs(waa)) {
				t.Fatalf("wino4AT[%d] = %v, want %v", i, aa[i], waa)
			}
		}
	}
}

// TestWinograd4RowPaths checks every F(4×4) row transform path against the
// Go loops, bit for bit, for every tile count up to 40 (whole vectors and
// remainders), with blocks of odd strides and bands of odd offsets, and
// that nothing outside what a path may write (its vectors of tiles)
// changes.
func TestWinograd4RowPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(73, 74))
	for _, p := range wino4Paths() {
		for n := 1; n <= 40; n++ {
			v := ceilDiv(n, wino4Vec) * wino4Vec // what any path may write
			blk := v + r.IntN(5)
			bl := 4*v + r.IntN(5)
			q := 6*bl + r.IntN(3)
			src := randSlice(r, q+6*bl)
			t.Run(fmt.Sprintf("%s/n=%d", p.name, n), func(t *testing.T) {
				want := randSlice(r, 36*blk+wino4Guard)
				got := append([]float32(nil), want...)
				wino4InGeneric(want, blk, src, bl, q, n)
				p.in(got, blk, src, bl, q, n)
				checkWino4Rows(t, "in", got, want, blk, n, v)

				want = randSlice(r, 36*blk+wino4Guard)
				got = append([]float32(nil), want...)
				wino4GradGeneric(want, blk, src, bl, n)
				p.grad(got, blk, src, bl, n)
				checkWino4Rows(t, "grad", got, want, blk, n, v)

				m := randSlice(r, 36*blk)
				rows := randSlice(r, 4*bl+wino4Guard)
				rw := append([]float32(nil), rows...)
				wino4OutGeneric(rw, bl, m, blk, n)
				p.out(rows, bl, m, blk, n)
				for i := range rows {
					if k := i % bl; i < 4*bl && k >= 4*n && k < 4*v {
						continue // room the vector kernels may write
					}
					if math.Float32bits(rows[i]) != math.Float32bits(rw[i]) {
						t.Fatalf("out: row %d, float %d = %v, want %v", i/bl, i%bl, rows[i], rw[i])
					}
				}
			})
		}
	}
}

// wino4Guard is the room the row-path tests leave past the last block or
// row, which no path may write.
const wino4Guard = 32

// checkWino4Rows fails t unless got equals want in the n tiles of every
// block, bit for bit, outside each block's first v tiles, and past the 36
// blocks.
func checkWino4Rows(t *testing.T, what string, got, want []float32, blk, n, v int) {
	t.Helper()
	for i := range got {
		tx := i % blk
		if i < 36*blk && tx >= n && tx < v {
			continue // room the vector kernels may write
		}
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: block %d, tile %d = %v, want %v", what, i/blk, tx, got[i], want[i])
		}
	}
}

// wino4Bound is the stated accuracy of F(4×4): every output within this
// much times the sum of the absolute values of its terms of the float64
// direct sum.
const wino4Bound = 2e-5

// TestWinograd4Conv convolves through the F(4×4) transforms (36 products
// with GemmNaive) and checks the result, adding into an output, and the
// filter's gradient against float64 direct sums, on sizes that are and
// are not multiples of 4, smaller than a tile, one and several samples,
// with and without workers.
func TestWinograd4Conv(t *testing.T) {
	r := rand.New(rand.NewPCG(75, 76))
	for _, c := range []struct{ n, cin, cout, h, w int }{
		{1, 1, 1, 1, 1}, {2, 3, 2, 5, 7}, {3, 2, 4, 4, 4}, {1, 5, 3, 9, 2}, {2, 4, 4, 17, 35}, {2, 3, 3, 8, 12}, {3, 2, 2, 7, 7},
	} {
		for _, par := range []bool{false, true} {
			t.Run(fmt.Sprintf("%+v/par=%v", c, par), func(t *testing.T) {
				inSize, outSize := c.cin*c.h*c.w, c.cout*c.h*c.w
				x := randSlice(r, c.n*inSize)
				w := randSlice(r, c.cout*c.cin*9)
				dy := randSlice(r, c.n*outSize)
				tiles := Winograd4Tiles(c.h, c.w)
				ld := c.n*tiles + WinogradPad + r.IntN(3)

				u := make([]float32, 36*c.cout*c.cin)
				Winograd4Filter(u, w, c.cout, c.cin)
				v := randSlice(r, 36*c.cin*ld)
				Winograd4Input(v, c.cin*ld, ld, x, inSize, c.n, c.cin, c.h, c.w, par)
				m := randSlice(r, 36*c.cout*ld)
				for xi := range 36 {
					GemmNaive(false, false, c.cout, c.n*tiles, c.cin, 1, u[xi*c.cout*c.cin:], c.cin,
						v[xi*c.cin*ld:], ld, 0, m[xi*c.cout*ld:], ld)
				}
				y := randSlice(r, c.n*outSize)
				Winograd4Output(y, outSize, false, nil, m, c.cout*ld, ld, c.n, c.cout, c.h, c.w, par)
				y0 := append([]float32(nil), y...)
				Winograd4Output(y, outSize, true, nil, m, c.cout*ld, ld, c.n, c.cout, c.h, c.w, par) // adds: 2y

				dm := randSlice(r, 36*c.cout*ld)
				Winograd4OutputGrad(dm, c.cout*ld, ld, dy, outSize, c.n, c.cout, c.h, c.w, par)
				du := make([]float32, 36*c.cout*c.cin)
				for xi := range 36 {
					GemmNaive(false, true, c.cout, c.cin, c.n*tiles, 1, dm[xi*c.cout*ld:], ld,
						v[xi*c.cin*ld:], ld, 0, du[xi*c.cout*c.cin:], c.cin)
				}
				dw := make([]float32, len(w))
				dw[0] = 1 // Winograd4FilterGrad adds
				Winograd4FilterGrad(dw, du, c.cout, c.cin)
				dw[0]--

				want, scale, wantW := directConv64(x, w, dy, c.n, c.cin, c.cout, c.h, c.w)
				worst := 0.0
				for i := range want {
					e := math.Abs(float64(y0[i])-want[i]) / max(scale[i], 1e-30)
					worst = max(worst, e)
					if e > wino4Bound {
						t.Fatalf("y[%d] = %v, want %v (relative error %.3g)", i, y0[i], want[i], e)
					}
					if y[i] != 2*y0[i] {
						t.Fatalf("adding: y[%d] = %v, want %v", i, y[i], 2*y0[i])
					}
				}
				for i := range wantW {
					if math.Abs(float64(dw[i])-wantW[i]) > 1e-4*(1+math.Abs(wantW[i])) {
						t.Fatalf("dw[%d] = %v, want %v", i, dw[i], wantW[i])
					}
				}
				t.Logf("worst relative error %.3g", worst)
			})
		}
	}
}

// TestWinograd4OutputAdds checks the bias, shift and residual that
// Winograd4Output adds when setting: ((y + bias) + shift) + res, bit for
// bit against adding them after a plain pass.
func TestWinograd4OutputAdds(t *testing.T) {
	r := rand.New(rand.NewPCG(77, 78))
	n, c, h, w := 3, 4, 9, 6
	tiles := Winograd4Tiles(h, w)
	ld := n*tiles + WinogradPad
	m := randSlice(r, 36*c*ld)
	outSize := c * h * w
	adds := &WinogradAdds{Bias: randSlice(r, c), Shift: randSlice(r, n*c), Res: randSlice(r, n*outSize)}
	got := make([]float32, n*outSize)
	Winograd4Output(got, outSize, false, adds, m, c*ld, ld, n, c, h, w, true)
	want := make([]float32, n*outSize)
	Winograd4Output(want, outSize, false, nil, m, c*ld, ld, n, c, h, w, false)
	for s := range n {
		for ch := range c {
			for i := range h * w {
				at := s*outSize + ch*h*w + i
				want[at] = ((want[at] + adds.Bias[ch]) + adds.Shift[s*c+ch]) + adds.Res[at]
			}
		}
	}
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("y[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

// directConv64 is the 3×3, padding-1 convolution of x with w in float64:
// the outputs, the sums of the absolute values of their terms, and the
// filter gradient Σ dy ⊗ x.
func directConv64(x, w, dy []float32, n, cin, cout, h, wd int) (y, scale, dw []float64) {
	inSize, outSize := cin*h*wd, cout*h*wd
	y, scale, dw = make([]float64, n*outSize), make([]float64, n*outSize), make([]float64, len(w))
	for s := range n {
		for o := range cout {
			for oy := range h {
				for ox := range wd {
					var sum, abs float64
					d := float64(dy[s*outSize+(o*h+oy)*wd+ox])
					for ci := range cin {
						for ki := range 3 {
							for kj := range 3 {
								iy, ix := oy+ki-1, ox+kj-1
								if iy < 0 || iy >= h || ix < 0 || ix >= wd {
									continue
								}
								xv := float64(x[s*inSize+(ci*h+iy)*wd+ix])
								wi := ((o*cin+ci)*3+ki)*3 + kj
								sum += xv * float64(w[wi])
								abs += math.Abs(xv * float64(w[wi]))
								dw[wi] += d * xv
							}
						}
					}
					at := s*outSize + (o*h+oy)*wd + ox
					y[at], scale[at] = sum, abs
				}
			}
		}
	}
	return y, scale, dw
}

// TestWinograd4BandsOut checks every path's one-call output plane pass
// against the Go loop, bit for bit, in its three modes, for every length
// up to 40 and one to nine rows (bands of unequal length), and that
// nothing outside the rows' l floats is written.
func TestWinograd4BandsOut(t *testing.T) {
	r := rand.New(rand.NewPCG(83, 84))
	for _, p := range wino4Paths() {
		if p.name == wino4Generic.name {
			continue // the Go loop itself
		}
		for l := 1; l <= 40; l++ {
			for rows := 1; rows <= 9; rows++ {
				mode := r.IntN(3)
				ds, ss := l+r.IntN(5), l+r.IntN(5)
				band := ss*((rows+3)/4) + r.IntN(4)
				src := randSlice(r, 3*band+((rows+3)/4)*ss)
				var res []float32
				if mode == 1 {
					res = randSlice(r, (rows-1)*ds+l)
				}
				b, sh := r.Float32(), r.Float32()
				want := randSlice(r, (rows-1)*ds+l+20)
				got := append([]float32(nil), want...)
				wino4BandsOutGeneric(want, ds, src, ss, band, res, l, rows, b, sh, mode == 2)
				p.bandsOut(got, ds, src, ss, band, res, l, rows, b, sh, mode == 2)
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s, l=%d rows=%d mode=%d: dst[%d] = %v, want %v", p.name, l, rows, mode, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestWinograd4CopyBands checks every path's plane-by-plane band copy
// against the Go loop: three bands of different lengths (up to 40) and
// rows, one to three planes, and nothing written outside the rows.
func TestWinograd4CopyBands(t *testing.T) {
	r := rand.New(rand.NewPCG(85, 86))
	for _, p := range wino4Paths() {
		if p.name == wino4Generic.name {
			continue // the Go loop itself
		}
		for l := 1; l <= 40; l++ {
			planes := 1 + r.IntN(3)
			ds, ss := l+r.IntN(5), l+r.IntN(5)
			var bands []wino4CopyBand
			dEnd, sEnd := 0, 0
			for k := range 3 {
				bl, rows := 1+r.IntN(l), 1+r.IntN(3)
				if k == 0 {
					bl = l
				}
				b := wino4CopyBand{dst: dEnd + r.IntN(3), src: sEnd + r.IntN(3), l: bl, rows: rows}
				bands = append(bands, b)
				dEnd, sEnd = b.dst+rows*ds, b.src+rows*ss
			}
			dp, sp := dEnd+r.IntN(4), sEnd+r.IntN(4)
			src := randSlice(r, (planes-1)*sp+sEnd)
			want := randSlice(r, (planes-1)*dp+dEnd+20)
			got := append([]float32(nil), want...)
			wino4CopyBandsGeneric(want, src, bands, ds, ss, planes, dp, sp)
			p.copyBands(got, src, bands, ds, ss, planes, dp, sp)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s, l=%d planes=%d: dst[%d] = %v, want %v", p.name, l, planes, i, got[i], want[i])
				}
			}
		}
	}
}
