package kernels

import (
	"sync"

	"github.com/diffusego/diffusego/internal/parallel"
)

const (
	gemmKC = 256 // depth of one pass over A and B: a kc×nc block of B stays in L2
	gemmNC = 512 // columns of C per block
	gemmMR = 4   // rows of C updated together, so each loaded B value is used 4 times
)

var scratch = sync.Pool{New: func() any { return new([]float32) }}

// transposeInto writes the rows×cols matrix src (row stride ld) transposed
// into dst as a cols×rows row-major matrix.
func transposeInto(dst, src []float32, rows, cols, ld int) {
	parallel.For(cols, 64, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			d := dst[j*rows : (j+1)*rows]
			for i := range d {
				d[i] = src[i*ld+j]
			}
		}
	})
}

func gemmGeneric(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	// Transposed operands are copied to row-major form first: O(mk + kn)
	// work against O(mnk) for the product.
	if transA {
		buf := scratch.Get().(*[]float32)
		defer scratch.Put(buf)
		*buf = grow(*buf, m*k)
		transposeInto(*buf, a, k, m, lda)
		a, lda = *buf, k
	}
	if transB {
		buf := scratch.Get().(*[]float32)
		defer scratch.Put(buf)
		*buf = grow(*buf, k*n)
		transposeInto(*buf, b, n, k, ldb)
		b, ldb = *buf, n
	}
	rowBlocks := (m + gemmMR - 1) / gemmMR
	grain := 1 + 32768/(n*k+1) // keep tiny products on one goroutine
	parallel.For(rowBlocks, grain, func(lo, hi int) {
		i0, i1 := lo*gemmMR, min(hi*gemmMR, m)
		for i := i0; i < i1; i++ {
			row := c[i*ldc : i*ldc+n]
			if beta == 0 {
				clear(row)
			} else if beta != 1 {
				for j := range row {
					row[j] *= beta
				}
			}
		}
		if k == 0 || alpha == 0 {
			return
		}
		for j0 := 0; j0 < n; j0 += gemmNC {
			j1 := min(j0+gemmNC, n)
			for p0 := 0; p0 < k; p0 += gemmKC {
				p1 := min(p0+gemmKC, k)
				i := i0
				for ; i+gemmMR <= i1; i += gemmMR {
					gemmBlock4(alpha, a, lda, b, ldb, c, ldc, i, j0, j1, p0, p1)
				}
				for ; i < i1; i++ {
					gemmBlock1(alpha, a, lda, b, ldb, c, ldc, i, j0, j1, p0, p1)
				}
			}
		}
	})
}

// gemmBlock4 adds alpha·A[i:i+4, p0:p1]·B[p0:p1, j0:j1] to C[i:i+4, j0:j1].
func gemmBlock4(alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc, i, j0, j1, p0, p1 int) {
	w := j1 - j0
	c0 := c[i*ldc+j0 : i*ldc+j0+w]
	c1 := c[(i+1)*ldc+j0 : (i+1)*ldc+j0+w]
	c2 := c[(i+2)*ldc+j0 : (i+2)*ldc+j0+w]
	c3 := c[(i+3)*ldc+j0 : (i+3)*ldc+j0+w]
	for p := p0; p < p1; p++ {
		a0 := alpha * a[i*lda+p]
		a1 := alpha * a[(i+1)*lda+p]
		a2 := alpha * a[(i+2)*lda+p]
		a3 := alpha * a[(i+3)*lda+p]
		br := b[p*ldb+j0 : p*ldb+j0+w]
		br = br[:len(c0)]
		c1 := c1[:len(c0)]
		c2 := c2[:len(c0)]
		c3 := c3[:len(c0)]
		for j, bv := range br {
			c0[j] += a0 * bv
			c1[j] += a1 * bv
			c2[j] += a2 * bv
			c3[j] += a3 * bv
		}
	}
}

// gemmBlock1 is gemmBlock4 for one row.
func gemmBlock1(alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc, i, j0, j1, p0, p1 int) {
	w := j1 - j0
	c0 := c[i*ldc+j0 : i*ldc+j0+w]
	for p := p0; p < p1; p++ {
		a0 := alpha * a[i*lda+p]
		br := b[p*ldb+j0 : p*ldb+j0+w]
		br = br[:len(c0)]
		for j, bv := range br {
			c0[j] += a0 * bv
		}
	}
}

// grow returns buf resized to n elements, reallocating only when too small.
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}
