package kernels

import (
	"github.com/diffusego/diffusego/internal/parallel"
)

// The packed path follows GotoBLAS/BLIS. For each block of nc columns of C
// and each kc-deep slice of the sum, B[pc:pc+kc, jc:jc+nc] is copied once
// into NR-column panels (kc×NR each, rows of NR contiguous values), shared
// by all workers. C is then cut into tiles of about mc×nt; a worker packs
// the tile's rows of A into MR-row panels (kc×MR each) and sweeps the
// micro-kernel over the tile, B panel by B panel (two at a time for the
// wide and big kernels), so one or two B panels (16 KiB each) stay in L1
// while the A block (mc×kc, ≤ 144 KiB) streams from L2. Transposes are
// absorbed by the packing, and panels are zero-padded, so the micro-kernel
// always sees a full MR×NR problem; tiles of C that stick out of the
// matrix go through a small scratch tile, or, with a narrow kernel, are
// stored through a mask.
//
// Split across workers, a product as wide as it is tall (or with A packed
// already) is cut into one strip of columns per worker, each run on the
// single-goroutine path (gemm_strips.go). In a taller one the slices go in
// groups (up to packBGroup floats of B panels): all workers pack the
// group's B panels, then each takes one contiguous run of tiles and
// carries it through every slice of the group. Either way a worker waits
// for the slowest one once per group or once per call, not twice per
// slice, and keeps its rows of C and A from slice to slice; with a wait
// per slice and tiles handed out one at a time, two cores of a Zen 5 ran
// 1024² products at 161–165 GFLOP per CPU-second against 192–199 for one.
//
// Each element of C gets its kc-slices added in order, and within a slice
// its products in order, whatever the tiling or scheduling: results are
// the same bits on every run.
const (
	packMR = 6    // rows of a micro-tile: 6×2 accumulators + 2 B + 2 A registers
	packNR = 16   // columns of a micro-tile: two 8-float vectors
	packKC = 256  // depth of one slice: a kc×NR B panel is 16 KiB, in L1
	packMC = 144  // rows of a tile at most: the mc×kc A block is 144 KiB, in L2
	packNT = 1024 // columns of a tile at most
	packNC = 4096 // columns of B packed at once: kc×nc is 4 MiB, in L3
)

// packBGroup is how many floats of B panels the parallel path packs at
// once (4 MiB, in L3); a variable only so that tests can make groups small.
var packBGroup = 1 << 20

// microKernel is one micro-kernel of the packed path.
type microKernel struct {
	// tile sets the first h rows (1 ≤ h ≤ MR) of the MR×NR tile of C at c
	// (row stride ldc) to alpha·Â·B̂ + beta·C, where Â is a packed A panel
	// (k steps of MR values) and B̂ a packed B panel (k steps of NR
	// values). It must not touch rows h and beyond, and with beta == 0 it
	// must not read C. Each element's sum must not depend on h.
	tile func(k, h int, a, b, c []float32, ldc int, alpha, beta float32)
	// wide, when not nil, sets the whole MR×2NR tile at c from two B
	// panels, b1 for columns 0…NR−1 and b2 for NR…2NR−1, summing every
	// element exactly as tile does: on a CPU with 32 vector registers it
	// keeps twice the accumulators in flight.
	wide func(k int, a, b1, b2, c []float32, ldc int, alpha, beta float32)
	// big, when not nil, sets the first h rows (1 ≤ h ≤ 2MR) of the
	// 2MR×2NR tile at c from two A panels, a1 for rows 0…MR−1 and a2 for
	// MR…2MR−1 (not read when h ≤ MR), and two B panels as wide takes
	// them, summing every element exactly as tile does. With both panels
	// it keeps twice the accumulators of wide, and each loaded B row
	// serves twice the rows.
	big bigKernel
	// narrow, when not nil, sets the first w columns (1 ≤ w ≤ NR) of the
	// first h rows (1 ≤ h ≤ 2MR) of the 2MR×NR tile at c from two A
	// panels as big takes them and one B panel, summing every element
	// exactly as tile does and touching nothing else: the driver's edges
	// need no scratch tile.
	narrow narrowKernel
	// bf16 says that the kernel reads bf16 pair panels (gemm_bf16.go):
	// packA and packB round what they pack into pairs.
	bf16 bool
}

// narrowKernel is the signature of a microKernel's narrow form.
type narrowKernel func(k, h, w int, a1, a2, b, c []float32, ldc int, alpha, beta float32)

// bigKernel is the signature of a microKernel's big form.
type bigKernel func(k, h int, a1, a2, b1, b2, c []float32, ldc int, alpha, beta float32)

// microKernelPath names a micro-kernel, for tests and benchmarks.
type microKernelPath struct {
	name string
	kern *microKernel
}

// goKernel is the pure-Go micro-kernel.
var goKernel = &microKernel{tile: kernelGo}

// kernelGo is the pure-Go micro-kernel: the loop the assembly kernels
// equal, and the packed driver's kernel where there is no assembly. It
// walks the tile in blocks of 3×2, whose sums stay in registers for the
// whole depth (larger blocks make the compiler spill them); each element
// is still summed in order of p, one product at a time.
func kernelGo(k, h int, a, b, c []float32, ldc int, alpha, beta float32) {
	a, b = a[:k*packMR], b[:k*packNR]
	for r := 0; r < h; r += 3 {
		for q := 0; q < packNR; q += 2 {
			var s00, s01, s10, s11, s20, s21 float32
			ia, ib := r, q
			for range k {
				av := a[ia : ia+3 : ia+3]
				bv := b[ib : ib+2 : ib+2]
				s00 += av[0] * bv[0]
				s01 += av[0] * bv[1]
				s10 += av[1] * bv[0]
				s11 += av[1] * bv[1]
				s20 += av[2] * bv[0]
				s21 += av[2] * bv[1]
				ia += packMR
				ib += packNR
			}
			storeGo(c[r*ldc+q:], s00, s01, alpha, beta)
			if r+1 < h {
				storeGo(c[(r+1)*ldc+q:], s10, s11, alpha, beta)
			}
			if r+2 < h {
				storeGo(c[(r+2)*ldc+q:], s20, s21, alpha, beta)
			}
		}
	}
}

// storeGo sets c[0:2] to alpha·s + beta·c, not reading c when beta == 0.
func storeGo(c []float32, s0, s1, alpha, beta float32) {
	c = c[:2]
	if beta == 0 {
		c[0], c[1] = alpha*s0, alpha*s1
		return
	}
	c[0], c[1] = alpha*s0+beta*c[0], alpha*s1+beta*c[1]
}

// gemmPackedGo is Gemm through the packed driver with the Go micro-kernel;
// tests use it to check the driver on every build.
func gemmPackedGo(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPacked(goKernel, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmPackedGoSerial is gemmPackedGo on the calling goroutine only.
func gemmPackedGoSerial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPackedOn(goKernel, true, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmJob is one packed Gemm call. Jobs are reused, with their B buffer
// and their bound methods, so that steady-state calls reuse everything.
type gemmJob struct {
	kern           *microKernel
	pa             *PackedA // A packed by the caller; nil: pack A per tile
	bsrc           bSource  // packs B's panels itself; nil: pack them from b
	serial         bool     // run on the calling goroutine, in one tile per row block
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int

	jc, nc     int         // current block of columns of C
	rowT, colT int         // tiles down and across the block: tileRows, tileCols
	panels     int         // B panels across the block
	group      []gemmSlice // the slices of the sum whose B panels are packed now
	bbuf       []float32   // backs the group's B panels

	packBFn, tilesFn func(lo, hi int)

	epi func(i0, i1, j0, j1 int) // GemmEpilogue's, run on each finished tile; nil: none
}

// gemmJobs and packABufs keep jobs (with their B buffers) and per-worker
// A blocks (mc×kc plus one scratch micro-tile) between calls. Unlike a
// sync.Pool they survive garbage collections, so a training loop does not
// reallocate megabytes of packing space after every GC.
var (
	gemmJobs = freeList[gemmJob]{new: func() *gemmJob {
		j := new(gemmJob)
		j.packBFn, j.tilesFn = j.packGroup, j.tilesGroup
		return j
	}}
	packABufs = freeList[[]float32]{new: func() *[]float32 {
		s := make([]float32, packMC*packKC+packMR*packNR)
		return &s
	}}
)

// freeList is a parallel.FreeList that makes a new value with new when
// it is empty. Get and put take no lock in the steady state, where two
// workers starting their tiles at once used to queue on a mutex.
type freeList[T any] struct {
	list parallel.FreeList[T]
	new  func() *T
}

func (f *freeList[T]) get() *T {
	if x := f.list.Get(); x != nil {
		return x
	}
	return f.new()
}

func (f *freeList[T]) put(x *T) { f.list.Put(x) }

// gemmPacked computes Gemm with kern as the micro-kernel.
func gemmPacked(kern *microKernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPackedOn(kern, false, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmPackedOn is gemmPacked, split across workers unless serial. The
// tiles are the same either way except that a serial call does not cut
// the block finer for balance, so each A block is packed only once.
func gemmPackedOn(kern *microKernel, serial, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPackedSrc(kern, serial, nil, nil, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// bSource packs the panels of a B operand that is not stored as a matrix
// (convPanels: a convolution's columns, straight from its images).
type bSource interface {
	// packPanel sets dst[p·NR + jj] = op(B)[pc+p][j0+jj] for p < kc and
	// jj < w, and zero for jj ≥ w.
	packPanel(dst []float32, pc, kc, j0, w int)
}

// gemmPackedFrom sets C = op(A)·B for A packed in p and B given by src,
// n columns.
func gemmPackedFrom(p *PackedA, src bSource, serial bool, n int, c []float32, ldc int) {
	gemmPackedSrc(p.kern, serial, p, src, p.transA, false, p.m, n, p.k, 1, p.a, p.lda, nil, 0, 0, c, ldc)
}

// gemmPackedSrc is gemmPackedOn taking A's panels from pa when it is not
// nil (pa then describes A, and transA, a and lda are not read), and B's
// panels from bsrc when it is not nil (b and ldb are then not read).
func gemmPackedSrc(kern *microKernel, serial bool, pa *PackedA, bsrc bSource, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPackedRun(kern, serial, pa, bsrc, nil, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmPackedRun is gemmPackedSrc that also calls epi, when not nil, on
// each tile of C once its last slice of the sum is in (gemm_epilogue.go);
// with no product to add (k ≤ 0 or alpha = 0), once on all of C after
// C = beta·C.
func gemmPackedRun(kern *microKernel, serial bool, pa *PackedA, bsrc bSource, epi func(i0, i1, j0, j1 int), transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m <= 0 || n <= 0 {
		return
	}
	if k <= 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		if epi != nil {
			epi(0, m, 0, n)
		}
		return
	}
	if useStrips(serial, pa, m, n, k) {
		gemmStrips(kern, pa, bsrc, epi, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	j := gemmJobs.get()
	j.pa, j.bsrc, j.epi = pa, bsrc, epi
	j.kern, j.serial, j.transA, j.transB, j.m, j.n, j.k, j.alpha, j.beta = kern, serial, transA, transB, m, n, k, alpha, beta
	j.a, j.b, j.c, j.lda, j.ldb, j.ldc = a, b, c, lda, ldb, ldc
	depth := sliceDepth(k)
	for jc := 0; jc < n; jc += packNC {
		j.jc, j.nc = jc, min(packNC, n-jc)
		j.planTiles()
		j.panels = ceilDiv(j.nc, packNR)
		// Slices per group: one on a single goroutine (or worker), where
		// B packed just before its use is still in cache; in parallel,
		// as many as packBGroup holds, since each group costs two waits
		// for the slowest worker.
		per := 1
		if !serial && parallel.Workers() > 1 {
			per = max(1, packBGroup/(j.panels*packNR*depth))
		}
		for pc0 := 0; pc0 < k; pc0 += per * depth {
			j.planGroup(pc0, min(k, pc0+per*depth), depth)
			if serial {
				j.packGroup(0, j.panels)
				j.tilesGroup(0, j.rowT*j.colT)
				continue
			}
			parallel.For(len(j.group)*j.panels, 1+32768/(packNR*depth), j.packBFn)
			tiles := j.rowT * j.colT
			parallel.For(tiles, ceilDiv(tiles, parallel.Workers()), j.tilesFn)
		}
	}
	j.kern, j.pa, j.bsrc, j.a, j.b, j.c, j.epi = nil, nil, nil, nil, nil, nil, nil
	gemmJobs.put(j)
}

// gemmSlice is one slice of the sum, pc ≤ p < pc+kc, with the B panels of
// the current block of columns packed for it (panel q at q·NR·kc).
type gemmSlice struct {
	pc, kc int
	bp     []float32
}

// planGroup sets j.group to the slices of depth depth (the last one
// possibly shorter) that cover [pc0, pc1) of the sum, with room for their
// B panels.
func (j *gemmJob) planGroup(pc0, pc1, depth int) {
	j.group = j.group[:0]
	size := 0
	for pc := pc0; pc < pc1; pc += depth {
		kc := min(depth, pc1-pc)
		j.group = append(j.group, gemmSlice{pc: pc, kc: kc})
		size += j.panels * packNR * kc
	}
	j.bbuf = grow(j.bbuf, size)
	at := 0
	for s := range j.group {
		sl := &j.group[s]
		sl.bp = j.bbuf[at : at+j.panels*packNR*sl.kc]
		at += len(sl.bp)
	}
}

// packGroup packs items [lo, hi) of the group's B panels, item
// s·panels + q being panel q of slice s.
func (j *gemmJob) packGroup(lo, hi int) {
	for lo < hi {
		s, q := lo/j.panels, lo%j.panels
		end := min(hi, (s+1)*j.panels)
		j.packB(&j.group[s], q, q+end-lo)
		lo = end
	}
}

// tilesGroup runs tiles [lo, hi) of the current block for every slice of
// the group in order, so that a worker keeps the same tiles of C (and
// rows of A) through the group.
func (j *gemmJob) tilesGroup(lo, hi int) {
	for s := range j.group {
		j.tiles(&j.group[s], lo, hi)
	}
}

// planTiles cuts the current m×nc block of C into rowT×colT tiles: no
// larger than packMC×packNT and, when the block is worth splitting across
// workers, a multiple of the workers in number (as far as whole
// micro-panels allow), since each worker takes one contiguous run of as
// many tiles as the others (tilesGroup): 15 row tiles on two workers left
// one idle for a fifteenth of the product.
func (j *gemmJob) planTiles() {
	rowT, colT := ceilDiv(j.m, packMC), ceilDiv(j.nc, packNT)
	if w := parallel.Workers(); !j.serial && w > 1 && j.m*j.nc*j.k >= 1<<18 {
	split:
		for rowT*colT%w != 0 {
			mc, nt := ceilDiv(j.m, rowT), ceilDiv(j.nc, colT)
			switch {
			case nt > 2*mc && nt > packNR, mc <= packMR && nt > packNR:
				colT++
			case mc > packMR:
				rowT++
			default:
				break split
			}
		}
	}
	j.rowT = min(rowT, ceilDiv(j.m, packMR))
	j.colT = min(colT, ceilDiv(j.nc, 2*packNR))
}

// tileRows is rows [i0, i1) of row tile ti: whole micro-panels of MR
// rows, spread as evenly as they go over the rowT tiles, so that no tile
// is a short remainder that leaves a worker idle while the others finish
// full ones (128 rows in 4 tiles: 30, 36, 30, 32 rather than 36, 36, 36,
// 20). No tile is larger than ceil(m/rowT) rounded up to whole panels,
// which planTiles keeps within packMC.
func (j *gemmJob) tileRows(ti int) (i0, i1 int) { return evenSpan(ti, j.rowT, j.m, packMR) }

// tileCols is columns [c0, c1) of the current block that column tile tj
// covers: whole pairs of B panels (for the wide and big kernels), spread
// evenly over the colT tiles as tileRows spreads rows (784 columns in 4
// tiles: 192, 192, 192, 208 rather than 224, 224, 224, 112).
func (j *gemmJob) tileCols(tj int) (c0, c1 int) { return evenSpan(tj, j.colT, j.nc, 2*packNR) }

// evenSpan is [lo, hi) of part t when [0, n), cut into whole units of
// unit items (the last one may stop short at n), is spread over parts
// parts as parallel.For spreads items over chunks: part t gets units
// [t·u/parts, (t+1)·u/parts) of the u = ceil(n/unit).
func evenSpan(t, parts, n, unit int) (lo, hi int) {
	units := ceilDiv(n, unit)
	return min(n, t*units/parts*unit), min(n, (t+1)*units/parts*unit)
}

// packB copies B panels [lo, hi) of the current block into sl.bp: panel
// q holds, for p < kc, op(B)[pc+p, jc+q·NR : jc+q·NR+NR], zero past nc.
func (j *gemmJob) packB(sl *gemmSlice, lo, hi int) {
	b, ldb, pc, kc, bp := j.b, j.ldb, sl.pc, sl.kc, sl.bp
	if full := min(hi, j.nc/packNR); j.bsrc == nil && !j.transB && full-lo >= 2 {
		// A run of full panels of an untransposed B: row by row.
		packB16RowsImpl(bp[lo*packNR*kc:], b, pc*ldb+j.jc+lo*packNR, ldb, kc, full-lo)
		if j.kern.bf16 {
			for q := lo; q < full; q++ {
				pairsB(bp[q*packNR*kc:(q+1)*packNR*kc], kc)
			}
		}
		lo = full
	}
	for q := lo; q < hi; q++ {
		dst := bp[q*packNR*kc : (q+1)*packNR*kc]
		j0 := j.jc + q*packNR
		w := min(packNR, j.nc-q*packNR)
		switch {
		case j.bsrc != nil:
			j.bsrc.packPanel(dst, pc, kc, j0, w)
		case !j.transB && w == packNR:
			packB16Impl(dst, b[pc*ldb+j0:], ldb, kc)
		case !j.transB:
			// A last, partial panel (a Winograd chunk of 49 tiles ends
			// in one of 1 column): element by element, as a copy per row
			// cost a memmove call for a few floats (the 36 products of a
			// 49-tile chunk ran 1.10–1.20x faster at 32 rows, one core).
			for p := range kc {
				d := (*[packNR]float32)(dst[p*packNR:])
				*d = [packNR]float32{}
				for jj, v := range b[(pc+p)*ldb+j0 : (pc+p)*ldb+j0+w] {
					d[jj] = v
				}
			}
		case w == packNR: // B is n×k: column j of op(B) is row j of B
			packBTrans16Impl(dst, b, j0*ldb+pc, ldb, kc)
		default:
			if w < packNR {
				clear(dst)
			}
			for jj := range w {
				src := b[(j0+jj)*ldb+pc : (j0+jj)*ldb+pc+kc]
				for p, v := range src {
					dst[p*packNR+jj] = v
				}
			}
		}
		if j.kern.bf16 {
			pairsB(dst, kc)
		}
	}
}

// packBTrans16Generic gathers 16 rows of B (n×k, starting at b[at], stride ldb),
// kc values each, into dst as kc steps of 16: 16 sequential read streams
// and one sequential write stream.
func packBTrans16Generic(dst, b []float32, at, ldb, kc int) {
	r0 := b[at : at+kc]
	r1 := b[at+ldb:][:len(r0)]
	r2 := b[at+2*ldb:][:len(r0)]
	r3 := b[at+3*ldb:][:len(r0)]
	r4 := b[at+4*ldb:][:len(r0)]
	r5 := b[at+5*ldb:][:len(r0)]
	r6 := b[at+6*ldb:][:len(r0)]
	r7 := b[at+7*ldb:][:len(r0)]
	r8 := b[at+8*ldb:][:len(r0)]
	r9 := b[at+9*ldb:][:len(r0)]
	r10 := b[at+10*ldb:][:len(r0)]
	r11 := b[at+11*ldb:][:len(r0)]
	r12 := b[at+12*ldb:][:len(r0)]
	r13 := b[at+13*ldb:][:len(r0)]
	r14 := b[at+14*ldb:][:len(r0)]
	r15 := b[at+15*ldb:][:len(r0)]
	dst = dst[:len(r0)*packNR]
	for p := range r0 {
		d := (*[packNR]float32)(dst[p*packNR:])
		d[0], d[1], d[2], d[3] = r0[p], r1[p], r2[p], r3[p]
		d[4], d[5], d[6], d[7] = r4[p], r5[p], r6[p], r7[p]
		d[8], d[9], d[10], d[11] = r8[p], r9[p], r10[p], r11[p]
		d[12], d[13], d[14], d[15] = r12[p], r13[p], r14[p], r15[p]
	}
}

// packA copies rows [i0, i1) of op(A)[:, pc:pc+kc] into ap as MR-row
// panels: panel r holds, for p < kc, op(A)[i0+r·MR : i0+r·MR+MR, pc+p],
// zero past i1.
func (j *gemmJob) packA(ap []float32, i0, i1, pc, kc int) {
	a, lda := j.a, j.lda
	start := i0
	if np := (i1 - i0) / packMR; j.transA && np >= 2 {
		// The full panels of a transposed A: row by row.
		packAT6RowsImpl(ap, a, pc*lda+i0, lda, kc, np)
		if j.kern.bf16 {
			for r := range np {
				pairsA(ap[r*packMR*kc:(r+1)*packMR*kc], kc)
			}
		}
		start = i0 + np*packMR
	}
	for i := start; i < i1; i += packMR {
		dst := ap[(i-i0)*kc : (i-i0+packMR)*kc]
		h := min(packMR, i1-i)
		switch {
		case j.transA && h == packMR: // A is k×m: column i of op(A) is row-contiguous
			packAT6Impl(dst, a, pc*lda+i, lda, kc)
		case j.transA:
			for p := range kc {
				d := dst[p*packMR : p*packMR+packMR]
				clear(d[copy(d, a[(pc+p)*lda+i:(pc+p)*lda+i+h]):])
			}
		case h == packMR:
			packA6Impl(dst, a, i*lda+pc, lda, kc)
		default:
			clear(dst)
			for r := range h {
				for p, v := range a[(i+r)*lda+pc : (i+r)*lda+pc+kc] {
					dst[p*packMR+r] = v
				}
			}
		}
		if j.kern.bf16 {
			pairsA(dst, kc)
		}
	}
}

// tiles runs tiles [lo, hi) of the current block for slice sl: pack the
// tile's A rows, then sweep the micro-kernel over it.
func (j *gemmJob) tiles(sl *gemmSlice, lo, hi int) {
	buf := packABufs.get()
	ap, tmp := (*buf)[:packMC*packKC], (*buf)[packMC*packKC:]
	kc, kern := sl.kc, j.kern
	beta := j.beta
	if sl.pc > 0 {
		beta = 1 // later slices add to what the first one wrote
	}
	packed := -1
	for t := lo; t < hi; t++ {
		ti, tj := t/j.colT, t%j.colT
		i0, i1 := j.tileRows(ti)
		if j.pa != nil {
			ap = j.pa.panels(sl.pc, kc, i0)
		} else if ti != packed {
			j.packA(ap, i0, i1, sl.pc, kc)
			packed = ti
		}
		c0, c1 := j.tileCols(tj)
		for jr := c0; jr < c1; {
			if (kern.wide != nil || kern.big != nil) && c1-jr >= 2*packNR {
				j.sweepWide(sl, ap, i0, i1, jr, beta)
				jr += 2 * packNR
				continue
			}
			j.sweep(sl, ap, tmp, i0, i1, jr, min(packNR, c1-jr), beta)
			jr += packNR
		}
		if j.epi != nil && sl.pc+kc == j.k {
			j.epi(i0, i1, j.jc+c0, j.jc+c1) // the tile is final and still in cache
		}
	}
	packABufs.put(buf)
}

// sweep runs the micro-kernel down rows [i0, i1) of the tile against the
// B panel of columns [jr, jr+w), with A's panels in ap.
func (j *gemmJob) sweep(sl *gemmSlice, ap, tmp []float32, i0, i1, jr, w int, beta float32) {
	kc, ldc, c, tile, alpha := sl.kc, j.ldc, j.c, j.kern.tile, j.alpha
	bpan := sl.bp[jr*kc : (jr+packNR)*kc]
	if narrow := j.kern.narrow; narrow != nil {
		for ir := i0; ir < i1; ir += 2 * packMR {
			h := min(2*packMR, i1-ir)
			a1 := ap[(ir-i0)*kc : (ir-i0+packMR)*kc]
			a2 := a1 // not read unless h > MR
			if h > packMR {
				a2 = ap[(ir-i0+packMR)*kc : (ir-i0+2*packMR)*kc]
			}
			narrow(kc, h, w, a1, a2, bpan, c[ir*ldc+j.jc+jr:], ldc, alpha, beta)
		}
		return
	}
	for ir := i0; ir < i1; ir += packMR {
		apan := ap[(ir-i0)*kc : (ir-i0+packMR)*kc]
		h := min(packMR, i1-ir)
		off := ir*ldc + j.jc + jr
		if w == packNR {
			tile(kc, h, apan, bpan, c[off:], ldc, alpha, beta)
			continue
		}
		// Edge tile: run the same kernel on a scratch copy, so that
		// edge elements are computed exactly like the others.
		clear(tmp)
		if beta != 0 {
			for r := range h {
				copy(tmp[r*packNR:r*packNR+w], c[off+r*ldc:off+r*ldc+w])
			}
		}
		tile(kc, h, apan, bpan, tmp, packNR, alpha, beta)
		for r := range h {
			copy(c[off+r*ldc:off+r*ldc+w], tmp[r*packNR:r*packNR+w])
		}
	}
}

// sweepWide is sweep over the two full B panels of columns
// [jr, jr+2·NR): the big kernel on up to two row panels at a time where
// the kernel has one, else the wide kernel on full row panels.
func (j *gemmJob) sweepWide(sl *gemmSlice, ap []float32, i0, i1, jr int, beta float32) {
	kc, ldc, c, kern, alpha := sl.kc, j.ldc, j.c, j.kern, j.alpha
	b1 := sl.bp[jr*kc : (jr+packNR)*kc]
	b2 := sl.bp[(jr+packNR)*kc : (jr+2*packNR)*kc]
	if kern.big != nil {
		for ir := i0; ir < i1; ir += 2 * packMR {
			h := min(2*packMR, i1-ir)
			a1 := ap[(ir-i0)*kc : (ir-i0+packMR)*kc]
			a2 := a1 // not read unless h > MR
			if h > packMR {
				a2 = ap[(ir-i0+packMR)*kc : (ir-i0+2*packMR)*kc]
			}
			kern.big(kc, h, a1, a2, b1, b2, c[ir*ldc+j.jc+jr:], ldc, alpha, beta)
		}
		return
	}
	for ir := i0; ir < i1; ir += packMR {
		apan := ap[(ir-i0)*kc : (ir-i0+packMR)*kc]
		h := min(packMR, i1-ir)
		off := ir*ldc + j.jc + jr
		if h == packMR {
			kern.wide(kc, apan, b1, b2, c[off:], ldc, alpha, beta)
			continue
		}
		kern.tile(kc, h, apan, b1, c[off:], ldc, alpha, beta)
		kern.tile(kc, h, apan, b2, c[off+packNR:], ldc, alpha, beta)
	}
}

// scaleC sets C = beta·C (C = 0 when beta == 0): Gemm with nothing to add.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
		} else if beta != 1 {
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// sliceDepth is the depth of the slices a sum of k terms is cut into: as
// few slices as packKC allows, of equal depth (the last one may be
// shorter by less than one term per slice), so that no slice is a short
// remainder that pays the full cost of loading and storing C for little
// work (k = 288: two slices of 144, not 256 and 32).
func sliceDepth(k int) int {
	return ceilDiv(k, ceilDiv(k, packKC))
}

// grow returns buf resliced to n elements, reallocated if it is shorter.
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}
