package autograd

import (
	"bytes"
	"os"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
)

// The 3×3, stride-1, padding-1 convolutions run through Winograd's
// minimal filtering (Lavin & Gray 2016) where the selection rule
// winogradPays says it is faster than the implicit GEMM, by F(4×4, 3×3)
// (internal/kernels/winograd4.go) where winograd4Pays says it beats
// F(2×2, 3×3) (internal/kernels/winograd.go): per chunk of samples, the
// input's 4×4 tiles (6×6 for F(4×4)) are transformed (V = Bᵀ d B),
// multiplied by the transformed filters in 16 (36) GEMMs of Cout × tiles
// × Cin, one per tile position ξ (M_ξ = U_ξ V_ξ), and transformed back
// (Y = Aᵀ M A): 16 multiplications per 2×2 outputs and input channel
// instead of 36 (36 per 4×4 instead of 144). Backward:
//
//	input:  dX = the same convolution of dY with the flipped filters
//	        W'[ci, co] = rot180(W[co, ci])
//	weight: dW = Gᵀ (Σ_chunks Σ_tiles dM_ξ V_ξᵀ) G,  dM = A dY Aᵀ per tile
//
// The result differs from the direct convolution's by rounding only. The
// stated bounds: every output within 1e-6 × Σ|terms| of the float64
// direct sum for F(2×2) (2e-5 for F(4×4), whose transforms have larger
// constants), and the gradients within 1e-5 (1e-4) of the implicit GEMM's
// relative to their largest magnitude; over random inputs of bench-unet's
// ten 3×3 shapes the worst measured were 1.4e-7 and 8.4e-7 for F(2×2)
// and 1.95e-6 and 1.07e-5 for F(4×4) (TestWinogradUNetShapes).
// DIFFUSEGO_WINOGRAD=0 in the environment turns the path off, for A/B
// runs; it is read once, at start-up.
var winogradOn = os.Getenv("DIFFUSEGO_WINOGRAD") != "0"

// A chunk's transformed operands V and M are 16 × Cin × tiles and 16 ×
// Cout × tiles floats (36 × for F(4×4)); a chunk aims for winoChunkFloats in the larger,
// 512 KiB, so that both stay in L2 between the transforms and the GEMMs
// (measured at 28×28, 14×14 and 7×7 against chunks of 64 to 392 tiles:
// the best chunk was about this size at every resolution). Tests set
// winoChunkTiles to force many chunks.
var (
	winoChunkFloats = 1 << 17
	winoChunkTiles  = 0 // tiles per chunk to aim for instead, when > 0
)

// winoAlgo is one of the Winograd algorithms: F(2×2, 3×3) or F(4×4, 3×3),
// their tiles and kernels (internal/kernels/winograd.go, winograd4.go).
// packed transforms the filters W (cout × cin × 3 × 3), or with flipped
// the input gradient's flipped filters W'[ci, co] = rot180(W[co, ci])
// read from W, and packs the matrices U_ξ into ps.
type winoAlgo struct {
	name       string
	blocks     int // positions ξ of the transformed tile: 16 or 36
	tiles      func(h, w int) int
	packed     func(ps []*kernels.PackedA, w []float32, cout, cin int, flipped bool)
	filterGrad func(dw, du []float32, cout, cin int)
	input      func(v []float32, blk, ld int, x []float32, inSize, samples, c, h, w int, par bool)
	outputGrad func(dm []float32, blk, ld int, dy []float32, outSize, samples, c, h, w int, par bool)
	output     func(y []float32, outSize int, add bool, adds *kernels.WinogradAdds, m []float32, blk, ld, samples, c, h, w int, par bool)
}

var (
	wino2 = &winoAlgo{"F(2×2, 3×3)", 16, kernels.WinogradTiles, kernels.WinogradFilterPacked, kernels.WinogradFilterGrad,
		kernels.WinogradInput, kernels.WinogradOutputGrad, kernels.WinogradOutput}
	wino4 = &winoAlgo{"F(4×4, 3×3)", 36, kernels.Winograd4Tiles, kernels.Winograd4FilterPacked, kernels.Winograd4FilterGrad,
		kernels.Winograd4Input, kernels.Winograd4OutputGrad, kernels.Winograd4Output}
)

// algo is the Winograd algorithm of this convolution's forward pass
// (backward false) or backward pass (true): F(4×4) where winograd4Rule
// says it pays, F(2×2) otherwise.
func (c *convChunks) algo(backward bool) *winoAlgo {
	if winograd4Rule(c.geom.C, c.cout, c.geom.H, c.geom.W, backward) {
		return wino4
	}
	return wino2
}

// winograd4Rule is the choice of F(4×4) over F(2×2) in use:
// winograd4Pays, or a stand-in that tests set. DIFFUSEGO_WINOGRAD4=0 in
// the environment keeps every convolution on F(2×2) and =1 puts every one
// that runs through Winograd on F(4×4), for A/B runs; it is read once, at
// start-up.
var winograd4Rule = func() func(cin, cout, h, w int, backward bool) bool {
	switch os.Getenv("DIFFUSEGO_WINOGRAD4") {
	case "0":
		return func(int, int, int, int, bool) bool { return false }
	case "1":
		return func(int, int, int, int, bool) bool { return true }
	}
	return winograd4Pays
}()

// winograd4Pays is the choice of F(4×4, 3×3) over F(2×2, 3×3) for a
// convolution that runs through Winograd, per pass, from bench/winograd.sh
// (GFLOP per CPU-second of each of bench-unet's 3×3 convolutions by the
// three paths at batch 64 and 16, one core):
//   - with the AVX-512 transforms, F(4×4) was faster than F(2×2) on all
//     ten shapes in both passes, 1.17–1.65x forward and 1.15–1.40x
//     backward at batch 64, 1.08–1.67x and 1.09–1.37x at batch 16 (the
//     least at 7×7 and at 192 input channels);
//   - with the AVX2 transforms (DIFFUSEGO_KERNELS=avx2 on an AVX-512 CPU,
//     against F(2×2)'s AVX2 transforms and the AVX2 GEMM; medians of 5
//     rounds), F(4×4) was faster on all ten shapes in both passes too,
//     1.20–1.59x forward and 1.17–1.42x backward at batch 64, 1.22–1.45x
//     and 1.12–1.29x at batch 16 (the least backward at 14×14 with 32 or
//     192 input channels; no round below 1.08x). At 7×7 with 64 input
//     channels it beat the implicit GEMM 1.51–1.54x at batch 64 and 1.42x
//     forward, 1.22x backward at batch 16, so winogradPays's 64 channels
//     hold there too.
//
// Images under 7 pixels were not measured and stay on F(2×2), as does
// every machine whose F(4×4) transforms are the Go loops
// (DIFFUSEGO_KERNELS=generic, CPUs without AVX2, the purego build), where
// F(2×2)'s transforms are faster. Both passes take the same rule today;
// the pass is an argument so that they can differ.
func winograd4Pays(cin, cout, h, w int, backward bool) bool {
	return kernels.Wino4Vector() && h >= 7 && w >= 7
}

// winograd reports whether this convolution runs through Winograd.
func (c *convChunks) winograd() bool {
	g := c.geom
	return winogradOn && c.groups == 1 && g.KH == 3 && g.KW == 3 && g.StrideH == 1 && g.StrideW == 1 &&
		g.PadH == 1 && g.PadW == 1 && winogradRule(g.C, c.cout, g.H, g.W)
}

// winogradRule is the selection rule in use: winogradPays, or a stand-in
// that tests set.
var winogradRule = winogradPays

// winogradPays is the selection rule, from bench/winograd.sh (GFLOP per
// CPU-second of each of bench-unet's 3×3 convolutions by both paths, at
// batch 64 and 16, forward and backward; docs/profile.md, "Round 3"):
//   - 28×28 and 14×14, 32 to 192 input channels: Winograd 1.18–1.76x at
//     batch 64 and 1.00–1.69x at batch 16;
//   - 7×7 (16 tiles cover 8×8 pixels, and the 16 GEMMs are only Cin
//     deep): 128 or 256 input channels 1.00–1.39x, 64 input channels
//     0.88–1.09x, so smaller images need 128 input channels;
//   - 7×7 by F(4×4) (where its transforms have vector kernels; 4 tiles of
//     6×6 cover 8×8): 64 input channels 1.04–1.12x at batch 16 and
//     1.12–1.38x at batch 64, so there 64 input channels suffice.
//
// Below 16 channels on either side (bench-unet's stem and last layer)
// the GEMMs are too thin to pay for the transforms.
func winogradPays(cin, cout, h, w int) bool {
	switch {
	case cin < 16 || cout < 16 || h < 4 || w < 4:
		return false
	case h >= 10 && w >= 10:
		return true
	case winograd4Rule(cin, cout, h, w, false) && winograd4Rule(cin, cout, h, w, true):
		return cin >= 64
	}
	return cin >= 128
}

// winoChunks is the chunking of a Winograd convolution by algorithm a:
// n samples in chunks of at most s (span), each cut at a multiple of u
// samples (but the last), tiles per sample, ld the row stride of the
// transformed operands.
type winoChunks struct {
	a                          *winoAlgo
	n, tiles, u, s, chunks, ld int
}

// winoGemmCols is the column count that the transform-domain GEMMs
// M_ξ = U_ξ V_ξ (Cout × Cin by Cin × tiles) run fastest at a multiple
// of: the AVX-512 micro-kernel is fastest on pairs of 16-column panels, a
// single panel goes through its slower narrow form, and a last partial
// panel costs a whole one. Measured by BenchmarkGemmAWinoShapes (the 36
// products of a chunk, one core, 2026-12-04, on a shared machine),
// GFLOP/s at n tiles:
//
//	Cout × Cin   n = 16   32   49   64   98  128
//	128 × 128       127  164  125  169  145  180
//	128 × 256       134  169  126  179  156  186
//	 64 × 64        153  189  109  172  129  156
//
// so the chunk's sample count is rounded to a unit whose tiles are a
// multiple of winoGemmCols where one is near the chunk size
// (winoChunks).
const winoGemmCols = 32

// winoChunks aims for chunks of winoChunkFloats, cut at multiples of a
// unit of u samples: the fewest whose tiles are a multiple of
// winoGemmCols (8 samples at 7×7 by F(4×4), 4 tiles each; 2 at 14×14, 16
// each), if that is at most three times the chunk aimed for, else one
// sample (49 tiles at 28×28), and halved while the batch has fewer units
// than workers. At batch 16 this gives 7×7's GEMMs 32 columns (two chunks
// of 8 samples) instead of 16 (four chunks of 4), and 14×14 with 192
// input channels 32 instead of 16: by BenchmarkConvPaths (GFLOP per
// CPU-second, medians of 3 alternating rounds, shared machine) those
// convolutions ran 1.06–1.25x faster forward and 1.08–1.25x backward at
// batch 16 and 64, the 7×7 one with 256 input channels (a unit of 2.3
// times its chunk) 1.2x forward and 1.1x backward against a bound of
// twice. At 28×28 (49 tiles a sample, so 32 + 16 + 1 columns, the last
// panel padded to 16) runs of 64 tiles across samples were tried, with
// transforms of a tile range: 1.10–1.20x on those convolutions' forward
// passes, but no change in bench-unet's batch-16 training or sampling
// (0.996x and 1.000x per CPU-second, 7 rounds), the partial samples'
// repeated band copies and activations taking back what the GEMMs gained.
// Then, as the implicit GEMM does (parallel.Balanced), the chunk count is
// rounded up to a multiple of the workers, the chunks getting smaller and
// so staying in L2: 3 chunks on 2 workers would keep one worker idle a
// third of the time, and 10 on 2 workers, handed out as 8 ranges (batch
// 64), a fifth.
func (c *convChunks) winoChunks(a *winoAlgo) winoChunks {
	p := winoChunks{a: a, n: c.n}
	p.tiles = a.tiles(c.geom.H, c.geom.W)
	want := winoChunkFloats / (a.blocks * max(c.geom.C, c.cout))
	if winoChunkTiles > 0 {
		want = winoChunkTiles
	}
	p.u = winoGemmCols / gcd(p.tiles, winoGemmCols)
	if p.u*p.tiles > 3*want {
		p.u = 1
	}
	for p.u > 1 && (c.n+p.u-1)/p.u < parallel.Workers() {
		p.u /= 2
	}
	units := (c.n + p.u - 1) / p.u
	s := max(1, min(units, (want+p.u*p.tiles/2)/(p.u*p.tiles))) // units a chunk
	p.chunks = parallel.Balanced(units, (units+s-1)/s)
	p.s = min(c.n, (units+p.chunks-1)/p.chunks*p.u) // the largest chunk
	p.ld = p.s*p.tiles + kernels.WinogradPad
	return p
}

// span is chunk ch's samples: from lo, m of them, cut as evenly as whole
// units of u samples allow (chunks differ by at most one unit; the last
// unit may be short).
func (p winoChunks) span(ch int) (lo, m int) {
	lo, hi := parallel.Range(ch, (p.n+p.u-1)/p.u, p.chunks) // in units
	lo, hi = min(p.n, lo*p.u), min(p.n, hi*p.u)
	return lo, hi - lo
}

// gcd is the greatest common divisor of a, b > 0.
func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// winoShape is the packedShape of a set of transformed filters (16 or 36
// by the algorithm), m × k each (rotated: the input gradient's).
func winoShape(a *winoAlgo, rotated bool, m, k int) packedShape {
	return packedShape{wino: true, rotated: rotated, groups: a.blocks, m: m, k: k}
}

// winoFilters transforms the filters W (cout × cin × 3 × 3), or for
// rotated the flipped filters W' (cin × cout × 3 × 3) of the input
// gradient, W'[ci, co, a, b] = W[co, ci, 2−a, 2−b] (read from W in the
// transform), by algorithm a, and packs the matrices U_ξ. Give them back
// with the returned function.
func (c *convChunks) winoFilters(a *winoAlgo, rotated bool) ([]*kernels.PackedA, func()) {
	cout, cin := c.cout, c.geom.C
	if rotated {
		cout, cin = cin, cout
	}
	sh := winoShape(a, rotated, cout, cin)
	ps := takeWeights(sh)
	a.packed(ps, c.W, c.cout, c.geom.C, rotated)
	return ps, func() { releaseWeights(sh, ps) }
}

// winoCache keeps the packed transformed filters of no-grad calls (sampling),
// keyed by the weight's storage, with a copy of the weight they were made
// from: a later call whose weight still holds the same bits reuses them.
// Entries are never changed once stored, so a call may go on using one
// that a later call replaced.
var winoCache struct {
	sync.Mutex
	m map[winoKey]*winoEntry
}

// winoKey names a weight by its storage, and the algorithm.
type winoKey struct {
	data   *float32
	n      int
	blocks int
}

type winoEntry struct {
	w  []float32 // the weight the filters were transformed from
	ps []*kernels.PackedA
}

// winoCacheMax bounds the entries kept; beyond it the cache starts again.
const winoCacheMax = 256

// cachedWinoFilters is winoFilters(a, false) for a call that records no
// backward step: the cached set when the weight has not changed since it
// was made, else a new one, cached.
func (c *convChunks) cachedWinoFilters(a *winoAlgo) []*kernels.PackedA {
	key := winoKey{&c.W[0], len(c.W), a.blocks}
	winoCache.Lock()
	e := winoCache.m[key]
	winoCache.Unlock()
	if e != nil && sameFloatBits(e.w, c.W) {
		return e.ps
	}
	cout, cin := c.cout, c.geom.C
	e = &winoEntry{w: append([]float32(nil), c.W...)}
	e.ps = make([]*kernels.PackedA, a.blocks)
	for xi := range e.ps {
		e.ps[xi] = new(kernels.PackedA)
	}
	a.packed(e.ps, e.w, cout, cin, false)
	winoCache.Lock()
	if winoCache.m == nil || len(winoCache.m) >= winoCacheMax {
		winoCache.m = map[winoKey]*winoEntry{}
	}
	winoCache.m[key] = e
	winoCache.Unlock()
	return e.ps
}

// sameFloatBitsGrain is the floats each worker compares at least, in sameFloatBits:
// 128 KiB, some 5 µs, against the tens of microseconds it takes to wake a
// parked worker.
const sameFloatBitsGrain = 1 << 15

// sameFloatBits reports whether a and b hold the same bits, comparing parts of
// a large weight in parallel (bench-unet's 7×7 filters are 0.6 to 1.2 MB,
// compared at every call of a sampling step, which kept one core waiting).
func sameFloatBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	var differ atomic.Bool
	parallel.For(len(a), sameFloatBitsGrain, func(lo, hi int) {
		if !differ.Load() && !bytes.Equal(floatBytes(a[lo:hi]), floatBytes(b[lo:hi])) {
			differ.Store(true)
		}
	})
	return !differ.Load()
}

// floatBytes is the memory of s as bytes, for a fast comparison of bits.
func floatBytes(s []float32) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), 4*len(s))
}

// winoForward is forward (Y = conv + bias + shift + res) through
// Winograd; cache reuses the transformed filters of earlier calls with
// the same weight (calls that record no backward step).
func (c *convChunks) winoForward(Y, bias, shift, res []float32, cache bool) {
	c.winoForwardIn(Y, bias, shift, res, cache, nil)
}

// winoInput sets v (blocks blk apart, rows ld apart) to the transformed
// input of the ms samples from lo of a forward pass, in place of the
// algorithm's input transform of X: GroupNormSiLUConv2dAdd's normalised
// input (kernels.Winograd4InputNormSiLU).
type winoInput func(v []float32, blk, ld, lo, ms int, par bool)

// winoForwardIn is winoForward whose input transform is input (nil: that
// of X).
func (c *convChunks) winoForwardIn(Y, bias, shift, res []float32, cache bool, input winoInput) {
	a := c.algo(false)
	var us []*kernels.PackedA
	if cache {
		us = c.cachedWinoFilters(a)
	} else {
		var release func()
		us, release = c.winoFilters(a, false)
		defer release()
	}
	p := c.winoChunks(a)
	c.winoConv(p, us, c.X, c.inSize, c.geom.C, Y, c.outSize, c.cout, false, &kernels.WinogradAdds{Bias: bias, Shift: shift, Res: res}, input)
}

// winoConv sets (add: adds into) out, samples of cout channels outSize
// apart, to the convolution of in (cin channels, inSize apart) with the
// filters whose transforms us holds, chunk by chunk, plus the terms of
// adds (nil: none; laid out for the whole batch) when setting. With
// input, that transforms the input instead of a.input of in.
func (c *convChunks) winoConv(p winoChunks, us []*kernels.PackedA, in []float32, inSize, cin int, out []float32, outSize, cout int, add bool, adds *kernels.WinogradAdds, input winoInput) {
	h, w := c.geom.H, c.geom.W
	a := p.a
	serial := p.chunks >= parallel.Workers()
	gemm := kernels.GemmA
	if serial {
		gemm = kernels.GemmASerial
	}
	parallel.For(p.chunks, 1, func(clo, chi int) {
		vBuf := getConvBuf(a.blocks * cin * p.ld)
		mBuf := getConvBuf(a.blocks * cout * p.ld)
		v, m := *vBuf, *mBuf
		for ch := clo; ch < chi; ch++ {
			lo, ms := p.span(ch)
			n := ms * p.tiles
			if input != nil {
				input(v, cin*p.ld, p.ld, lo, ms, !serial)
			} else {
				a.input(v, cin*p.ld, p.ld, in[lo*inSize:], inSize, ms, cin, h, w, !serial)
			}
			for xi := range a.blocks {
				gemm(us[xi], false, n, 1, v[xi*cin*p.ld:], p.ld, 0, m[xi*cout*p.ld:], p.ld)
			}
			var chunkAdds *kernels.WinogradAdds
			if adds != nil { // the chunk's samples
				chunkAdds = &kernels.WinogradAdds{Bias: adds.Bias}
				if adds.Shift != nil {
					chunkAdds.Shift = adds.Shift[lo*cout:]
				}
				if adds.Res != nil {
					chunkAdds.Res = adds.Res[lo*outSize:]
				}
			}
			a.output(out[lo*outSize:], outSize, add, chunkAdds, m, cout*p.ld, p.ld, ms, cout, h, w, !serial)
		}
		putConvBuf(vBuf)
		putConvBuf(mBuf)
	})
}

// winoBackward is backward through Winograd: it adds the gradients of x
// (dX, nil: not wanted) and w (dW, nil: not wanted) given dY; with setX it
// sets dX instead (its contents are undefined then), as adding into zeros
// would, to the bit. As in backward, the chunks are split into about one
// part per worker, each part sums its filter-transform gradient into its
// own partial, and the partials are added in part order, so the result
// does not depend on timing.
func (c *convChunks) winoBackward(dY, dX, dW []float32, setX bool) {
	a := c.algo(true)
	p := c.winoChunks(a)
	cin, cout := c.geom.C, c.cout
	if dX != nil { // dX += W' ⋆ dY, or dX = 0 + W' ⋆ dY
		var adds *kernels.WinogradAdds
		if setX { // (y + 0) + (−0) is 0 + y, as AddTo into zeros gives it
			adds = &kernels.WinogradAdds{Bias: zeros(cin)}
		}
		us, release := c.winoFilters(a, true)
		c.winoConv(p, us, dY, c.outSize, cout, dX, c.inSize, cin, !setX, adds, nil)
		release()
	}
	if dW == nil {
		return
	}
	h, w := c.geom.H, c.geom.W
	serial := p.chunks >= parallel.Workers()
	gemm := kernels.Gemm
	if serial {
		gemm = kernels.GemmSerial
	}
	grain := (p.chunks + parallel.Workers() - 1) / parallel.Workers()
	parts := parallel.Chunks(p.chunks, grain)
	size := a.blocks * cout * cin
	partials := getConvBuf(parts * size)
	defer putConvBuf(partials)
	parallel.ForChunks(p.chunks, grain, func(part, clo, chi int) {
		du := (*partials)[part*size:][:size]
		vBuf := getConvBuf(a.blocks * cin * p.ld)
		mBuf := getConvBuf(a.blocks * cout * p.ld)
		v, dm := *vBuf, *mBuf
		beta := float32(0)
		for ch := clo; ch < chi; ch++ {
			lo, ms := p.span(ch)
			n := ms * p.tiles
			a.input(v, cin*p.ld, p.ld, c.X[lo*c.inSize:], c.inSize, ms, cin, h, w, !serial)
			a.outputGrad(dm, cout*p.ld, p.ld, dY[lo*c.outSize:], c.outSize, ms, cout, h, w, !serial)
			for xi := range a.blocks { // dU_ξ += dM_ξ · V_ξᵀ
				gemm(false, true, cout, cin, n, 1, dm[xi*cout*p.ld:], p.ld, v[xi*cin*p.ld:], p.ld, beta, du[xi*cout*cin:], cin)
			}
			beta = 1
		}
		putConvBuf(vBuf)
		putConvBuf(mBuf)
	})
	du := (*partials)[:size]
	addPartials(du, (*partials)[size:], parts-1) // partial 0 is du itself
	a.filterGrad(dW, du, cout, cin)
}
