package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// convGeoms lists every geometry with C ≤ 3, H, W ≤ 7, kernels up to 4,
// strides up to 3 and padding up to 2 that has at least one output, thinned
// at random to keep the test short.
func convGeoms(r *rand.Rand) []ConvGeom {
	var gs []ConvGeom
	for h := 1; h <= 7; h++ {
		for w := 1; w <= 7; w++ {
			for k := 1; k <= 4; k++ {
				for s := 1; s <= 3; s++ {
					for p := 0; p <= 2; p++ {
						g := ConvGeom{C: 1 + r.IntN(3), H: h, W: w, KH: k, KW: 1 + r.IntN(4),
							StrideH: s, StrideW: 1 + r.IntN(3), PadH: p, PadW: r.IntN(3)}
						if g.H+2*g.PadH < g.KH || g.W+2*g.PadW < g.KW || r.IntN(4) != 0 {
							continue
						}
						gs = append(gs, g)
					}
				}
			}
		}
	}
	return gs
}

// naiveIm2col is the defining formula of Im2col, one entry at a time.
func naiveIm2col(g ConvGeom, img []float32) []float32 {
	oh, ow := g.OutH(), g.OutW()
	col := make([]float32, g.ColRows()*oh*ow)
	for c := 0; c < g.C; c++ {
		for ki := 0; ki < g.KH; ki++ {
			for kj := 0; kj < g.KW; kj++ {
				for oy := 0; oy < oh; oy++ {
					for ox := 0; ox < ow; ox++ {
						iy, ix := oy*g.StrideH-g.PadH+ki, ox*g.StrideW-g.PadW+kj
						if iy >= 0 && iy < g.H && ix >= 0 && ix < g.W {
							col[((c*g.KH+ki)*g.KW+kj)*oh*ow+oy*ow+ox] = img[(c*g.H+iy)*g.W+ix]
						}
					}
				}
			}
		}
	}
	return col
}

// naiveCol2im adds col into img entry by entry, in float64.
func naiveCol2im(g ConvGeom, col []float32, img []float32) {
	oh, ow := g.OutH(), g.OutW()
	acc := make([]float64, len(img))
	for i, v := range img {
		acc[i] = float64(v)
	}
	for c := 0; c < g.C; c++ {
		for ki := 0; ki < g.KH; ki++ {
			for kj := 0; kj < g.KW; kj++ {
				for oy := 0; oy < oh; oy++ {
					for ox := 0; ox < ow; ox++ {
						iy, ix := oy*g.StrideH-g.PadH+ki, ox*g.StrideW-g.PadW+kj
						if iy >= 0 && iy < g.H && ix >= 0 && ix < g.W {
							acc[(c*g.H+iy)*g.W+ix] += float64(col[((c*g.KH+ki)*g.KW+kj)*oh*ow+oy*ow+ox])
						}
					}
				}
			}
		}
	}
	for i, v := range acc {
		img[i] = float32(v)
	}
}

func TestIm2colMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, g := range convGeoms(r) {
		img := randSlice(r, g.C*g.H*g.W)
		want := naiveIm2col(g, img)
		got := make([]float32, len(want)+3)
		for i := range got {
			got[i] = float32(math.NaN()) // Im2col must overwrite, padding included
		}
		Im2col(g, img, got)
		for i, w := range want {
			if got[i] != w {
				t.Fatalf("Im2col(%+v)[%d] = %v, want %v", g, i, got[i], w)
			}
		}
		if !math.IsNaN(float64(got[len(want)])) {
			t.Fatalf("Im2col(%+v) wrote past the column matrix", g)
		}
	}
}

func TestCol2imMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, g := range convGeoms(r) {
		col := randSlice(r, g.ColRows()*g.ColCols())
		base := randSlice(r, g.C*g.H*g.W) // Col2im adds into what is there
		got := append([]float32(nil), base...)
		want := append([]float32(nil), base...)
		Col2im(g, col, got)
		naiveCol2im(g, col, want)
		for i, w := range want {
			if d := math.Abs(float64(got[i] - w)); d > 1e-5*(1+math.Abs(float64(w))) {
				t.Fatalf("Col2im(%+v)[%d] = %v, want %v", g, i, got[i], w)
			}
		}
	}
}

// TestCol2imIsAdjoint checks ⟨Im2col(x), y⟩ = ⟨x, Col2im(y)⟩, the identity
// that makes Col2im the backward pass of Im2col.
func TestCol2imIsAdjoint(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, g := range []ConvGeom{
		{C: 3, H: 5, W: 7, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1},
		{C: 2, H: 6, W: 9, KH: 3, KW: 2, StrideH: 2, StrideW: 3, PadH: 0, PadW: 2},
		{C: 1, H: 1, W: 11, KH: 1, KW: 5, StrideH: 1, StrideW: 2, PadH: 0, PadW: 2},
	} {
		t.Run(fmt.Sprintf("%+v", g), func(t *testing.T) {
			x := randSlice(r, g.C*g.H*g.W)
			y := randSlice(r, g.ColRows()*g.ColCols())
			cx := make([]float32, len(y))
			Im2col(g, x, cx)
			ty := make([]float32, len(x))
			Col2im(g, y, ty)
			var lhs, rhs float64
			for i := range y {
				lhs += float64(cx[i]) * float64(y[i])
			}
			for i := range x {
				rhs += float64(x[i]) * float64(ty[i])
			}
			if math.Abs(lhs-rhs) > 1e-4*(1+math.Abs(lhs)) {
				t.Errorf("⟨Im2col(x), y⟩ = %.6f, ⟨x, Col2im(y)⟩ = %.6f", lhs, rhs)
			}
		})
	}
}

// TestIm2colLDMatchesIm2col checks that the strided forms write the same
// rows as Im2col and Col2im at every gap 0..15 between rows, and leave
// the gaps alone.
func TestIm2colLDMatchesIm2col(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, g := range convGeoms(r) {
		n, rows := g.ColCols(), g.ColRows()
		img := randSlice(r, g.C*g.H*g.W)
		want := make([]float32, rows*n)
		Im2col(g, img, want)
		gap := r.IntN(16)
		ld := n + gap
		got := make([]float32, rows*ld)
		for i := range got {
			got[i] = float32(math.NaN())
		}
		Im2colLD(g, img, got, ld)
		for i := range rows {
			for j := range ld {
				v := got[i*ld+j]
				if j >= n {
					if !math.IsNaN(float64(v)) {
						t.Fatalf("Im2colLD(%+v, ld %d) wrote the gap at row %d, column %d", g, ld, i, j)
					}
					continue
				}
				if v != want[i*n+j] {
					t.Fatalf("Im2colLD(%+v, ld %d)[%d][%d] = %v, want %v", g, ld, i, j, v, want[i*n+j])
				}
			}
		}
		// Col2imLD must read only the rows, not the gaps (NaN there).
		base := randSlice(r, len(img))
		wantImg := append([]float32(nil), base...)
		Col2im(g, want, wantImg)
		gotImg := append([]float32(nil), base...)
		Col2imLD(g, got, gotImg, ld)
		for i, w := range wantImg {
			if gotImg[i] != w {
				t.Fatalf("Col2imLD(%+v, ld %d)[%d] = %v, want %v", g, ld, i, gotImg[i], w)
			}
		}
	}
}

// TestIm2colSameWidthMatchesNaive covers the shifted-plane path: stride
// 1 with output rows as wide as input rows (KW = 2·PadW + 1), every
// height and width up to 9 and any vertical padding.
func TestIm2colSameWidthMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for h := 1; h <= 9; h++ {
		for w := 1; w <= 9; w++ {
			for _, kw := range []int{1, 3, 5} {
				for kh := 1; kh <= 4; kh++ {
					for ph := 0; ph <= 2; ph++ {
						g := ConvGeom{C: 2, H: h, W: w, KH: kh, KW: kw, StrideH: 1, StrideW: 1, PadH: ph, PadW: (kw - 1) / 2}
						if g.H+2*g.PadH < g.KH {
							continue
						}
						img := randSlice(r, g.C*g.H*g.W)
						want := naiveIm2col(g, img)
						got := make([]float32, len(want))
						for i := range got {
							got[i] = float32(math.NaN())
						}
						Im2col(g, img, got)
						for i, v := range want {
							if got[i] != v {
								t.Fatalf("Im2col(%+v)[%d] = %v, want %v", g, i, got[i], v)
							}
						}
					}
				}
			}
		}
	}
}

// TestCol2imLDScratchMatchesCol2imLD checks the same bits as Col2imLD on
// every geometry of convGeoms and of the same-width family, at gaps 0..15
// between column rows.
func TestCol2imLDScratchMatchesCol2imLD(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	geoms := convGeoms(r)
	for h := 1; h <= 9; h++ {
		for w := 1; w <= 9; w++ {
			for _, kw := range []int{1, 3, 5} {
				for kh := 1; kh <= 4; kh++ {
					for ph := 0; ph <= 2; ph++ {
						g := ConvGeom{C: 2, H: h, W: w, KH: kh, KW: kw, StrideH: 1, StrideW: 1, PadH: ph, PadW: (kw - 1) / 2}
						if g.H+2*g.PadH >= g.KH {
							geoms = append(geoms, g)
						}
					}
				}
			}
		}
	}
	for _, g := range geoms {
		ld := g.ColCols() + r.IntN(16)
		col := randSlice(r, g.ColRows()*ld)
		base := randSlice(r, g.C*g.H*g.W)
		want := append([]float32(nil), base...)
		Col2imLD(g, col, want, ld)
		got := append([]float32(nil), base...)
		Col2imLDScratch(g, append([]float32(nil), col...), got, ld)
		for i, v := range want {
			if math.Float32bits(got[i]) != math.Float32bits(v) {
				t.Fatalf("Col2imLDScratch(%+v, ld %d)[%d] = %v, Col2imLD %v", g, ld, i, got[i], v)
			}
		}
	}
}
