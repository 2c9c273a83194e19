package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestConvPanelsMatchIm2col checks that the product with panels packed
// straight from the images is the same bits as Im2colLD followed by the
// GEMM, for every micro-kernel, serial and parallel, over geometries whose
// panels cross output rows, padding and sample boundaries (28×28, 14×14,
// 7×7, 3×5 and 5×5 kernels, 1×1, a 1-D convolution, several kc-slices),
// with images that do not start at the slice's start and a gap between
// samples.
func TestConvPanelsMatchIm2col(t *testing.T) {
	geoms := []ConvGeom{
		{C: 3, H: 28, W: 28, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1},
		{C: 5, H: 14, W: 14, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1},
		{C: 40, H: 7, W: 7, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1},
		{C: 2, H: 6, W: 9, KH: 3, KW: 5, StrideH: 1, StrideW: 1, PadH: 1, PadW: 2},
		{C: 2, H: 5, W: 4, KH: 5, KW: 5, StrideH: 1, StrideW: 1, PadH: 2, PadW: 2},
		{C: 300, H: 3, W: 3, KH: 1, KW: 1, StrideH: 1, StrideW: 1},
		{C: 4, H: 1, W: 37, KH: 1, KW: 5, StrideH: 1, StrideW: 1, PadW: 2},
		{C: 2, H: 6, W: 6, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 0, PadW: 1}, // output shorter than input
	}
	r := rand.New(rand.NewPCG(41, 42))
	for gi, g := range geoms {
		if !ImplicitConv(g) {
			t.Fatalf("geometry %d %+v: not implicit", gi, g)
		}
		for _, samples := range []int{1, 2, 5} {
			m, k, hw := 1+r.IntN(20), g.ColRows(), g.ColCols()
			n := samples * hw
			inSize := g.C*g.H*g.W + r.IntN(3)
			lead := r.IntN(5)
			xs := randSlice(r, lead+samples*inSize)
			x := xs[lead:]
			a := randSlice(r, m*k)
			col := make([]float32, k*n)
			for s := range samples {
				Im2colLD(g, x[s*inSize:], col[s*hw:], n)
			}
			for _, kp := range microKernels() {
				var p PackedA
				p.pack(kp.kern, false, m, k, a, k)
				want := make([]float32, m*n)
				gemmPackedA(&p, true, false, n, 1, col, n, 0, want, n)
				for _, serial := range []bool{false, true} {
					got := randSlice(r, m*n)
					src := &convPanels{g: g, x: x, inSize: inSize, hw: hw, ow: g.OutW(), taps: g.KH * g.KW}
					gemmPackedFrom(&p, src, serial, n, got, n)
					for i := range want {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s serial=%v geometry %d, %d samples: C[%d] = %v, im2col gives %v",
								kp.name, serial, gi, samples, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestConvGemmDeclines checks that ConvGemm refuses geometries it cannot
// pack straight from the images and leaves C alone, and that on this
// machine's path it agrees with ImplicitConv.
func TestConvGemmDeclines(t *testing.T) {
	strided := ConvGeom{C: 2, H: 8, W: 8, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}
	valid := ConvGeom{C: 2, H: 8, W: 8, KH: 3, KW: 3, StrideH: 1, StrideW: 1}
	same := ConvGeom{C: 2, H: 8, W: 8, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1}
	r := rand.New(rand.NewPCG(43, 44))
	for _, g := range []ConvGeom{strided, valid, same} {
		var p PackedA
		a := randSlice(r, 3*g.ColRows())
		p.Pack(false, 3, g.ColRows(), a, g.ColRows())
		x := randSlice(r, g.C*g.H*g.W)
		c := make([]float32, 3*g.ColCols())
		c[0] = 7
		ok := ConvGemm(&p, false, g, x, g.C*g.H*g.W, 1, c, g.ColCols())
		if ok != ImplicitConv(g) {
			t.Errorf("%+v: ConvGemm ran = %v, ImplicitConv = %v", g, ok, ImplicitConv(g))
		}
		if g != same && (ok || c[0] != 7) {
			t.Errorf("%+v: ConvGemm ran on a geometry it cannot pack (C[0] = %v)", g, c[0])
		}
		if ok {
			col := make([]float32, g.ColRows()*g.ColCols())
			Im2col(g, x, col)
			want := make([]float32, len(c))
			GemmA(&p, false, g.ColCols(), 1, col, g.ColCols(), 0, want, g.ColCols())
			for i := range want {
				if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%+v: C[%d] = %v, want %v", g, i, c[i], want[i])
				}
			}
		}
	}
}

// TestGatherRowsPaths checks every gatherRows path against the defining
// loop: random masks, strides and counts, storing and ORing, and that
// nothing between the rows is written.
func TestGatherRowsPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 46))
	for _, p := range gatherRowsPaths() {
		for range 200 {
			count, dStride, sStride := 1+r.IntN(9), 16+r.IntN(40), 1+r.IntN(40)
			var mask [16]uint32
			for jj := range mask {
				if r.IntN(3) > 0 {
					mask[jj] = ^uint32(0)
				}
			}
			or := r.IntN(2) == 1
			src := randSlice(r, (count-1)*sStride+16+r.IntN(3))
			dst := randSlice(r, (count-1)*dStride+16+r.IntN(3))
			want := append([]float32(nil), dst...)
			for i := range count {
				for jj, m := range mask {
					v := math.Float32bits(src[i*sStride+jj]) & m
					if or {
						v |= math.Float32bits(want[i*dStride+jj])
					}
					want[i*dStride+jj] = math.Float32frombits(v)
				}
			}
			p.fn(dst, dStride, src, sStride, count, &mask, or)
			for i := range want {
				if math.Float32bits(dst[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s: count %d strides %d/%d or=%v: dst[%d] = %v, want %v", p.name, count, dStride, sStride, or, i, dst[i], want[i])
				}
			}
		}
	}
}
