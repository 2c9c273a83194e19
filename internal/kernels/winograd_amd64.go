//go:build !purego

package kernels

// The Winograd row transforms in assembly (winograd_amd64.s), for n ≥ 1
// tiles; each reads and writes whole vectors of 8 tiles (AVX2) or 16
// (AVX-512), past n up to the next multiple.
//
//go:noescape
func winoInRowAVX2(dst *float32, blk int, r0, r1, r2, r3 *float32, q, n int)

//go:noescape
func winoGradRowAVX2(dst *float32, blk int, r0, r1 *float32, n int)

//go:noescape
func winoOutRowAVX2(y0, y1, src *float32, blk, n int)

//go:noescape
func winoInRowAVX512(dst *float32, blk int, r0, r1, r2, r3 *float32, q, n int)

//go:noescape
func winoGradRowAVX512(dst *float32, blk int, r0, r1 *float32, n int)

//go:noescape
func winoOutRowAVX512(y0, y1, src *float32, blk, n int)

// winoVecs is the set of row transforms of one instruction set and the
// tiles each of its steps takes.
type winoVecs struct {
	tiles int
	in    func(dst *float32, blk int, r0, r1, r2, r3 *float32, q, n int)
	grad  func(dst *float32, blk int, r0, r1 *float32, n int)
	out   func(y0, y1, src *float32, blk, n int)
}

var (
	winoAVX2   = &winoVecs{8, winoInRowAVX2, winoGradRowAVX2, winoOutRowAVX2}
	winoAVX512 = &winoVecs{16, winoInRowAVX512, winoGradRowAVX512, winoOutRowAVX512}
)

// path is the winoPath of these kernels: each checks the bounds the
// assembly cannot (whole vectors past n included), then runs it.
func (k *winoVecs) path(name string) winoPath {
	return winoPath{
		name: name,
		in: func(dst []float32, blk int, r0, r1, r2, r3 []float32, q, n int) {
			if n <= 0 {
				return
			}
			v := ceilDiv(n, k.tiles) * k.tiles
			_ = dst[15*blk+v-1]
			if q < 0 {
				panic("kernels: negative Winograd band offset")
			}
			last := max(2*v-1, q+2*v-1)
			_, _, _, _ = r0[last], r1[last], r2[last], r3[last]
			k.in(&dst[0], blk, &r0[0], &r1[0], &r2[0], &r3[0], q, n)
		},
		grad: func(dst []float32, blk int, r0, r1 []float32, n int) {
			if n <= 0 {
				return
			}
			v := ceilDiv(n, k.tiles) * k.tiles
			_ = dst[15*blk+v-1]
			_, _ = r0[2*v-1], r1[2*v-1]
			k.grad(&dst[0], blk, &r0[0], &r1[0], n)
		},
		out: func(y0, y1, src []float32, blk, n int) {
			if n <= 0 {
				return
			}
			v := ceilDiv(n, k.tiles) * k.tiles
			_, _ = y0[2*v-1], y1[2*v-1]
			_ = src[15*blk+v-1]
			k.out(&y0[0], &y1[0], &src[0], blk, n)
		},
	}
}

// winoPaths lists every set of Winograd row transforms this machine can
// run, for tests.
func winoPaths() []winoPath {
	p := []winoPath{{"generic", winoInRowGeneric, winoGradRowGeneric, winoOutRowGeneric}}
	if hasAVX2 {
		p = append(p, winoAVX2.path("avx2"))
	}
	if hasAVX512 {
		p = append(p, winoAVX512.path("avx512"))
	}
	return p
}

// winoWide and winoNarrow are the row transforms this machine uses for
// rows of more than 8 tiles and of at most 8: AVX-512 (16 tiles a step)
// for the wide rows on CPUs with AVX-512F, AVX2 (8 tiles a step) for the
// others and on CPUs with AVX2 only, so that short rows (7 tiles at
// 14×14, 4 at 7×7) do not compute 16; the pure-Go loops where there is
// neither, or DIFFUSEGO_KERNELS=generic. DIFFUSEGO_KERNELS=avx2 keeps
// AVX2 throughout.
var winoWide, winoNarrow = func() (wide, narrow winoPath) {
	generic := winoPath{"generic", winoInRowGeneric, winoGradRowGeneric, winoOutRowGeneric}
	switch {
	case genericForced || !hasAVX2:
		return generic, generic
	case hasAVX512 && !avx2Forced:
		return winoAVX512.path("avx512"), winoAVX2.path("avx2")
	}
	return winoAVX2.path("avx2"), winoAVX2.path("avx2")
}()

// winoPick is the set of row transforms for rows of n tiles.
func winoPick(n int) winoPath {
	if n <= 8 {
		return winoNarrow
	}
	return winoWide
}
