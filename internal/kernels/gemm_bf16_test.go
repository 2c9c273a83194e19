package kernels

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestRoundBF16(t *testing.T) {
	one := float32(1)
	ulp := float32(1.0 / 128) // a unit in bf16's last place at 1
	for _, c := range []struct {
		name string
		in   float32
		want uint16
	}{
		{"one", one, 0x3f80},
		{"half a unit above one: tie to even, down", one + ulp/2, 0x3f80},
		{"one and a half units: tie to even, up", one + 3*ulp/2, 0x3f82},
		{"just above half a unit: up", one + ulp/2 + 1.0/(1<<20), 0x3f81},
		{"just below half a unit: down", one + ulp/2 - 1.0/(1<<20), 0x3f80},
		{"minus two", -2, 0xc000},
		{"zero", 0, 0},
		{"minus zero", float32(math.Copysign(0, -1)), 0x8000},
		{"smallest subnormal: zero", math.Float32frombits(1), 0},
		{"negative subnormal: minus zero", math.Float32frombits(0x807fffff), 0x8000},
		{"smallest normal", math.Float32frombits(0x00800000), 0x0080},
		{"largest float32: infinity", math.MaxFloat32, 0x7f80},
		{"infinity", float32(math.Inf(1)), 0x7f80},
		{"minus infinity", float32(math.Inf(-1)), 0xff80},
		{"NaN with a low payload stays NaN", math.Float32frombits(0x7f800001), 0x7fc0},
	} {
		if got := roundBF16(c.in); got != c.want {
			t.Errorf("roundBF16(%s = %#08x) = %#04x, want %#04x", c.name, math.Float32bits(c.in), got, c.want)
		}
	}
	// Against a rounding computed another way, on random normal floats:
	// the nearer of the two bf16 neighbours, the even one on a tie.
	r := rand.New(rand.NewPCG(1, 9))
	for range 100000 {
		u := r.Uint32()
		if e := u & 0x7f800000; e == 0 || e == 0x7f800000 {
			continue
		}
		f := math.Float32frombits(u)
		lo := math.Float32frombits(u &^ 0xffff)
		ulp := math.Ldexp(1, int(u>>23&0xff)-127-7) // bf16's unit in the last place at f
		dl := math.Abs(float64(f) - float64(lo))
		dh := math.Abs(float64(lo)) + ulp - math.Abs(float64(f)) // to the next bf16 away from zero, infinity past the largest
		want := lo
		if dh < dl || dh == dl && (u>>16)&1 == 1 {
			want = math.Float32frombits((u &^ 0xffff) + 0x10000)
		}
		if got := RoundBF16(f); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("RoundBF16(%#08x) = %#08x, want %#08x", u, math.Float32bits(got), math.Float32bits(want))
		}
	}
}

// TestPairsB checks the assembly rounding of B panels into pairs against
// pairsBGeneric, bit for bit, on every depth up to 40 with special values
// (ties, subnormals, infinities, NaNs) mixed in.
func TestPairsB(t *testing.T) {
	if pairsB == nil {
		t.Fatal("no pairsB")
	}
	r := rand.New(rand.NewPCG(2, 9))
	special := []uint32{0, 0x80000000, 1, 0x807fffff, 0x3f808000, 0x3f818000, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7f800001, 0xffc00000}
	for kc := 1; kc <= 40; kc++ {
		p := make([]float32, kc*packNR)
		for i := range p {
			if r.IntN(4) == 0 {
				p[i] = math.Float32frombits(special[r.IntN(len(special))])
			} else {
				p[i] = float32(r.NormFloat64())
			}
		}
		want, got := append([]float32(nil), p...), append([]float32(nil), p...)
		pairsBGeneric(want, kc)
		pairsB(got, kc)
		for i := range (kc + 1) / 2 * packNR {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("kc %d: slot %d = %#08x, want %#08x", kc, i, math.Float32bits(got[i]), math.Float32bits(want[i]))
			}
		}
	}
}

// randBF16Case is randCase with alpha a power of two (or 0), so that
// every bf16 path gives GemmBF16Naive's bits.
func randBF16Case(r *rand.Rand, m, n, k int) gemmCase {
	g := randCase(r, m, n, k)
	g.alpha = []float32{1, -0.5, 2, 0}[r.IntN(4)]
	return g
}

// checkBF16Exact runs fn on random inputs for case g and requires
// GemmBF16Naive's bits in C and every element outside C kept.
func (g gemmCase) checkBF16Exact(t *testing.T, fn gemmFunc, r *rand.Rand) {
	t.Helper()
	ar, ac := g.m, g.k
	if g.transA {
		ar, ac = g.k, g.m
	}
	br, bc := g.k, g.n
	if g.transB {
		br, bc = g.n, g.k
	}
	lda, ldb, ldc := ac+g.pad[0], bc+g.pad[1], g.n+g.pad[2]
	aBuf := randSlice(r, g.off[0]+ar*lda+3)
	bBuf := randSlice(r, g.off[1]+br*ldb+3)
	cBuf := randSlice(r, g.off[2]+g.m*ldc+3)
	a, b := aBuf[g.off[0]:], bBuf[g.off[1]:]
	want := append([]float32(nil), cBuf...)
	GemmBF16Naive(g.transA, g.transB, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, want[g.off[2]:], ldc)
	got := append([]float32(nil), cBuf...)
	fn(g.transA, g.transB, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, got[g.off[2]:], ldc)
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			row, col := (i-g.off[2])/max(ldc, 1), (i-g.off[2])%max(ldc, 1)
			t.Fatalf("%v: element %d (C[%d,%d] if inside) = %g, want %g", g, i, row, col, got[i], want[i])
		}
	}
}

// TestGemmBF16Paths checks every bf16 path (the packed driver with the
// Go bf16 kernel, and the assembly kernels, parallel and serial) bit for
// bit against GemmBF16Naive: m, n and k each through 1..50 (odd depths
// pair their last step with zero), all transposes, paddings, offsets,
// then larger sizes with several slices of the sum.
func TestGemmBF16Paths(t *testing.T) {
	for _, p := range bf16Paths() {
		t.Run(p.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, 9))
			var cases []gemmCase
			for s := 1; s <= 50; s++ {
				x, y := 1+r.IntN(50), 1+r.IntN(50)
				cases = append(cases, randBF16Case(r, s, x, y), randBF16Case(r, x, s, y), randBF16Case(r, x, y, s))
			}
			for _, mnk := range [][3]int{{0, 5, 5}, {5, 0, 5}, {5, 5, 0}, {1, 1, 1}, {12, 32, 513}, {13, 33, 257}, {30, 100, 600}, {150, 70, 77}} {
				cases = append(cases, randBF16Case(r, mnk[0], mnk[1], mnk[2]))
			}
			for i, g := range cases {
				g.transA, g.transB = i%2 == 1, i/2%2 == 1
				g.checkBF16Exact(t, p.fn, r)
			}
		})
	}
}

// TestBF16KernelChecked says whether the assembly bf16 kernels passed
// their start-up check where the CPU has AVX512_BF16: a CPU on which they
// fail still computes correctly (BF16 is refused), but that is a bug to
// see.
func TestBF16KernelChecked(t *testing.T) {
	if bf16Usable() != nil && bf16Kernel == nil {
		t.Skipf("no bf16 kernel here: %v", bf16Usable())
	}
	if bf16Kernel == nil || !bf16Kernel.bf16 || bf16Kernel.big == nil || bf16Kernel.narrow == nil {
		t.Fatalf("bf16 kernel %+v: want the checked assembly kernel with its big and narrow forms", bf16Kernel)
	}
}

// TestGemmBF16Error checks the bf16 error against float32 within the
// bound that bf16's 8-bit significand gives. Rounding to nearest moves
// each operand by at most u = 2⁻⁸ of itself (half a unit in the last
// place, 2⁻⁷ at a significand of 1), so a product a·b by at most
// (2u + u²)·|a·b|, and the error of element (i, j) of C is
//
//	worst case:  |C_bf16 − C| ≤ (2⁻⁷ + 2⁻¹⁶)·Σ_p |a_ip·b_pj| + k·2⁻²⁴·Σ_p |a_ip·b_pj|
//	typical:     |C_bf16 − C| ≈ σ·√(Σ_p (a_ip·b_pj)²),  σ ≈ 0.60·2⁻⁸
//
// the second from independent rounding errors: an operand's error is
// spread evenly over ±half a unit, 2⁻⁷/√12 of a significand m, and over
// significands spread evenly in log m (E[1/m²] = 3/(8 ln 2)) that is a
// relative standard deviation of 2⁻⁷·√(3/(96 ln 2)) ≈ 0.425·2⁻⁸ per
// operand, √2 times that per product. For k terms of similar size this
// is the 2⁻⁸·√k growth quoted for bf16 products: about 0.6·2⁻⁸·√k·|a·b|.
// The test requires every element within the worst case, the root mean
// square of the normalised error e = |C_bf16 − C| / √(Σ (a·b)²) within
// [0.45, 0.75]·2⁻⁸ (σ within 25%: a path that multiplied in float32, or
// truncated instead of rounding, falls outside) and its largest value at
// most 3.5·2⁻⁸ (about 6σ).
func TestGemmBF16Error(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 9))
	for _, p := range bf16Paths() {
		for _, mnk := range [][3]int{{64, 64, 64}, {40, 90, 1000}, {130, 50, 300}} {
			m, n, k := mnk[0], mnk[1], mnk[2]
			a, b := randSlice(r, m*k), randSlice(r, k*n)
			want, got := make([]float32, m*n), make([]float32, m*n)
			GemmNaive(false, false, m, n, k, 1, a, k, b, n, 0, want, n)
			p.fn(false, false, m, n, k, 1, a, k, b, n, 0, got, n)
			var sum2, worst float64
			for i := range m {
				for j := range n {
					var l1, l2 float64
					for q := range k {
						ab := float64(a[i*k+q]) * float64(b[q*n+j])
						l1 += math.Abs(ab)
						l2 += ab * ab
					}
					d := math.Abs(float64(got[i*n+j]) - float64(want[i*n+j]))
					if lim := (1.0/128+1.0/(1<<16)+float64(k)/(1<<24))*l1 + 1e-30; d > lim {
						t.Fatalf("%s %v: C[%d,%d] = %g, fp32 %g: error %.3g beyond the worst case %.3g", p.name, mnk, i, j, got[i*n+j], want[i*n+j], d, lim)
					}
					e := d / math.Sqrt(l2)
					sum2 += e * e
					worst = max(worst, e)
				}
			}
			rms := math.Sqrt(sum2 / float64(m*n))
			t.Logf("%s %v: normalised error RMS %.3g·2⁻⁸, largest %.3g·2⁻⁸", p.name, mnk, rms*256, worst*256)
			if rms < 0.45/256 || rms > 0.75/256 || worst > 3.5/256 {
				t.Errorf("%s %v: normalised error RMS %.3g·2⁻⁸, largest %.3g·2⁻⁸: want RMS in [0.45, 0.75]·2⁻⁸, largest ≤ 3.5·2⁻⁸", p.name, mnk, rms*256, worst*256)
			}
		}
	}
}

// TestPrecisionSwitch checks SetPrecision and the forward entry points:
// under FP32, GemmForward and PackForward give Gemm's bits; under BF16
// (where the machine has the kernel) GemmBF16Naive's, through GemmA and
// ConvGemm too; where it has none, BF16 is refused with ErrNoBF16 and the
// precision stays FP32.
func TestPrecisionSwitch(t *testing.T) {
	t.Cleanup(func() { forwardPrecision.Store(int32(FP32)) })
	if ForwardPrecision() != FP32 {
		t.Fatalf("default precision %v, want fp32", ForwardPrecision())
	}
	for _, s := range []string{"fp32", "bf16"} {
		if p, err := ParsePrecision(s); err != nil || p.String() != s {
			t.Errorf("ParsePrecision(%q) = %v, %v", s, p, err)
		}
	}
	if _, err := ParsePrecision("fp16"); err == nil {
		t.Error("ParsePrecision(fp16): no error")
	}
	r := rand.New(rand.NewPCG(5, 9))
	m, n, k := 37, 45, 291
	a, b := randSlice(r, m*k), randSlice(r, k*n)
	run := func() (gemm, gemmSerial, packed []float32) {
		gemm, gemmSerial, packed = make([]float32, m*n), make([]float32, m*n), make([]float32, m*n)
		GemmForward(false, true, m, n, k, 1, a, k, b, k, 0, gemm, n)
		GemmForwardSerial(false, true, m, n, k, 1, a, k, b, k, 0, gemmSerial, n)
		var pa PackedA
		pa.PackForward(false, m, k, a, k)
		GemmA(&pa, true, n, 1, b, k, 0, packed, n)
		return
	}
	same := func(name string, got, want []float32) {
		t.Helper()
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%s: C[%d] = %g, want %g", name, i, got[i], want[i])
			}
		}
	}
	want := make([]float32, m*n)
	Gemm(false, true, m, n, k, 1, a, k, b, k, 0, want, n)
	g, gs, pk := run()
	same("fp32 GemmForward", g, want)
	same("fp32 GemmForwardSerial", gs, want)
	same("fp32 PackForward", pk, want)

	err := SetPrecision(BF16)
	if bf16Kernel == nil {
		if !errors.Is(err, ErrNoBF16) || ForwardPrecision() != FP32 {
			t.Fatalf("SetPrecision(BF16) without a bf16 kernel: %v, precision %v; want ErrNoBF16, fp32", err, ForwardPrecision())
		}
		t.Logf("refused as expected: %v", err)
		return
	}
	if err != nil || ForwardPrecision() != BF16 {
		t.Fatalf("SetPrecision(BF16) = %v, precision %v", err, ForwardPrecision())
	}
	GemmBF16Naive(false, true, m, n, k, 1, a, k, b, k, 0, want, n)
	g, gs, pk = run()
	same("bf16 GemmForward", g, want)
	same("bf16 GemmForwardSerial", gs, want)
	same("bf16 PackForward", pk, want)

	// A 3×3 "same" convolution through ConvGemm, against the naive bf16
	// product of the weight and the im2col columns.
	geom := ConvGeom{C: 5, H: 9, W: 11, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1}
	cout, samples := 7, 2
	x := randSlice(r, samples*geom.C*geom.H*geom.W)
	w := randSlice(r, cout*geom.ColRows())
	hw := geom.ColCols()
	col := make([]float32, geom.ColRows()*samples*hw)
	for s := range samples {
		Im2colLD(geom, x[s*geom.C*geom.H*geom.W:], col[s*hw:], samples*hw)
	}
	wantConv := make([]float32, cout*samples*hw)
	GemmBF16Naive(false, false, cout, samples*hw, geom.ColRows(), 1, w, geom.ColRows(), col, samples*hw, 0, wantConv, samples*hw)
	var pw PackedA
	pw.PackForward(false, cout, geom.ColRows(), w, geom.ColRows())
	gotConv := make([]float32, len(wantConv))
	if !ConvGemm(&pw, false, geom, x, geom.C*geom.H*geom.W, samples, gotConv, samples*hw) {
		t.Fatal("ConvGemm refused a stride-1 same convolution")
	}
	same("bf16 ConvGemm", gotConv, wantConv)

	if err := SetPrecision(FP32); err != nil || ForwardPrecision() != FP32 {
		t.Fatalf("SetPrecision(FP32) = %v, precision %v", err, ForwardPrecision())
	}
}
