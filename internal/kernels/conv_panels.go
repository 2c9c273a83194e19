package kernels

import "math"

// The forward product of a convolution, W · col, normally builds the
// column matrix col with Im2colLD and then copies it a second time into
// the GEMM's B panels. convPanels packs the panels straight from the
// images instead (an implicit GEMM): for the usual stride-1 convolution
// whose output rows are as wide as its input rows, a panel row's 16
// columns are 16 consecutive output positions of one sample, which read
// 16 consecutive input values of one shifted plane; the lanes that fall
// in the padding are masked to zero. Rows of one kernel tap lie one input
// plane apart, so one call of gatherRows moves all of a tap's rows of a
// panel. The panels hold the same values as packing col would, so the
// product is the same bits.

// convPanels is op(B) = col for samples side by side, as Im2colLD lays
// them out: column j is output position j mod hw of sample j / hw.
type convPanels struct {
	g      ConvGeom
	x      []float32 // the first sample's image (C, H, W)
	inSize int       // elements from one sample's image to the next
	hw, ow int       // output positions per sample, output width
	taps   int       // KH·KW
}

// convSegment is a run of a panel's columns that lie in one sample.
type convSegment struct {
	jj0, jj1 int // panel columns [jj0, jj1)
	base     int // index in x of column jj0's position, channel 0
}

// ImplicitConv reports whether ConvGemm can pack the columns of geometry g
// straight from the images: stride 1, output rows as wide as input rows.
func ImplicitConv(g ConvGeom) bool {
	return g.StrideH == 1 && g.StrideW == 1 && g.OutW() == g.W && g.OutH() > 0
}

// ConvGemm sets C (op(A)'s m rows × samples·OutH·OutW, row stride ldc) to
// op(A) · col, where col is the column matrix of the given samples side
// by side as Im2colLD would write it (image i at x[i·inSize:]), without
// writing col: the product's B panels are packed from the images
// directly. The result is the same bits as Im2colLD followed by GemmA.
// serial runs it on the calling goroutine, as GemmASerial. It returns
// false, and does nothing, unless ImplicitConv(g).
func ConvGemm(p *PackedA, serial bool, g ConvGeom, x []float32, inSize, samples int, c []float32, ldc int) bool {
	return ConvGemmEpilogue(p, serial, g, x, inSize, samples, c, ldc, nil)
}

// packPanel sets dst[p·16 + jj] = col[pc+p][j0+jj] for p < kc and jj < w,
// and zero for jj ≥ w.
func (q *convPanels) packPanel(dst []float32, pc, kc, j0, w int) {
	g := q.g
	var segs [packNR]convSegment
	nseg := 0
	// rowOK[ki] (colOK[kj]) has bit jj set when kernel row ki (column kj)
	// of column jj's window falls inside the image, not in the padding.
	var rowBuf, colBuf [8]uint16
	rowOK, colOK := rowBuf[:], colBuf[:]
	if g.KH > len(rowBuf) || g.KW > len(colBuf) {
		rowOK, colOK = make([]uint16, g.KH), make([]uint16, g.KW)
	}
	for j := j0; j < j0+w; {
		s, pos := j/q.hw, j%q.hw
		end := min(j0+w, (s+1)*q.hw)
		segs[nseg] = convSegment{j - j0, end - j0, s*q.inSize + pos}
		nseg++
		for ; j < end; j++ {
			bit := uint16(1) << (j - j0)
			oy, ox := pos/q.ow, pos%q.ow
			for ki := range g.KH {
				if y := oy + ki - g.PadH; y >= 0 && y < g.H {
					rowOK[ki] |= bit
				}
			}
			for kj := range g.KW {
				if x := ox + kj - g.PadW; x >= 0 && x < g.W {
					colOK[kj] |= bit
				}
			}
			pos++
		}
	}
	plane := g.H * g.W
	first := pc % q.taps // the tap of row 0
	var mask [packNR]uint32
	for t := range q.taps {
		p0 := (t - first + q.taps) % q.taps // the first row of tap t
		if p0 >= kc {
			continue
		}
		count := (kc - p0 + q.taps - 1) / q.taps
		ch0 := (pc + p0) / q.taps // the channel of row p0
		ki, kj := t/g.KW, t%g.KW
		ok := rowOK[ki] & colOK[kj]
		for si, sg := range segs[:nseg] {
			bits := ok & (uint16(1)<<sg.jj1 - uint16(1)<<sg.jj0)
			*(*[8]uint32)(mask[:8]) = laneMasks[bits&0xff]
			*(*[8]uint32)(mask[8:]) = laneMasks[bits>>8]
			// Lane jj of row i reads x[start + i·plane + jj].
			start := sg.base - sg.jj0 + ch0*plane + (ki-g.PadH)*g.W + kj - g.PadW
			q.gather(dst[p0*packNR:], count, start, plane, &mask, si > 0)
		}
	}
}

// laneMasks[b] has lane i all ones when bit i of b is set, zero otherwise.
var laneMasks = func() (t [256][8]uint32) {
	for b := range t {
		for i := range 8 {
			if b&(1<<i) != 0 {
				t[b][i] = ^uint32(0)
			}
		}
	}
	return t
}()

// gather moves count rows of one tap: dst row i (q.taps rows apart) gets
// lanes x[start + i·plane + jj] where mask is set and 0 elsewhere, or
// those lanes ORed into it when or. Rows whose 16 lanes would read outside
// x go lane by lane, reading only the masked lanes (which lie inside).
func (q *convPanels) gather(dst []float32, count, start, plane int, mask *[packNR]uint32, or bool) {
	stride := q.taps * packNR
	lo := 0 // rows [lo, hi) read inside x
	if start < 0 {
		lo = min(count, (-start+plane-1)/plane)
	}
	hi := count
	if last := len(q.x) - packNR - start; last < 0 {
		hi = 0
	} else {
		hi = min(count, last/plane+1)
	}
	hi = max(hi, lo)
	if hi > lo {
		gatherRows(dst[lo*stride:], stride, q.x[start+lo*plane:], plane, hi-lo, mask, or)
	}
	for i := range count {
		if i >= lo && i < hi {
			continue
		}
		d := dst[i*stride:][:packNR]
		for jj, m := range mask {
			if m != 0 {
				d[jj] = q.x[start+i*plane+jj]
			} else if !or {
				d[jj] = 0
			}
		}
	}
}

// gatherRowsFunc is the signature of every gatherRows path: for i < count,
// dst[i·dstStride + jj] = src[i·srcStride + jj] where mask[jj] is all ones
// and 0 where it is 0, for jj < 16; or, with or, that value ORed into dst.
type gatherRowsFunc func(dst []float32, dstStride int, src []float32, srcStride, count int, mask *[packNR]uint32, or bool)

// gatherRows runs the gatherRows path this machine uses. It calls the
// path directly rather than through a function value, so that mask does
// not escape to the heap.
func gatherRows(dst []float32, dstStride int, src []float32, srcStride, count int, mask *[packNR]uint32, or bool) {
	if gatherRows512 {
		gatherRowsVec512(dst, dstStride, src, srcStride, count, mask, or)
		return
	}
	if gatherRowsVector {
		gatherRowsVec(dst, dstStride, src, srcStride, count, mask, or)
		return
	}
	gatherRowsGeneric(dst, dstStride, src, srcStride, count, mask, or)
}

// gatherRowsGeneric is gatherRows' defining loop.
func gatherRowsGeneric(dst []float32, dstStride int, src []float32, srcStride, count int, mask *[packNR]uint32, or bool) {
	for i := range count {
		d := (*[packNR]float32)(dst[i*dstStride:])
		s := (*[packNR]float32)(src[i*srcStride:])
		for jj, m := range mask {
			v := math.Float32bits(s[jj]) & m
			if or {
				v |= math.Float32bits(d[jj])
			}
			d[jj] = math.Float32frombits(v)
		}
	}
}

// gatherRowsPath names one gatherRows implementation, so that tests can
// run each.
type gatherRowsPath struct {
	name string
	fn   gatherRowsFunc
}
