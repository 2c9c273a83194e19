package autograd

import (
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
)

// biasBlock is how many rows biasGrad sums in float32 before it adds
// them into its float64 partial sums.
const biasBlock = 32

// biasGrad adds the column sums of dC (rows×n, row-major) into db: the
// gradient of a bias added to every row. The rows are cut into chunks
// (parallel.ForChunks, from the shapes alone); within a chunk, blocks of
// biasBlock rows are summed in float32 with kernels.AddTo (a vector add
// per row, along the rows' contiguous memory) and each block's sums added
// into the chunk's float64 partials; the partials are then added in chunk
// order. The result depends only on the shapes, never on timing; the
// float32 block sums round at most biasBlock−1 times before the float64
// accumulation. It replaces sumTo's column-by-column float64 loop, which
// ran one scalar add per element.
func biasGrad(db, dC []float32, rows, n int) {
	if rows == 0 || n == 0 {
		return
	}
	grain := max(biasBlock, grainElems/n)
	chunks := parallel.Chunks(rows, grain)
	part := getFloat64s(chunks * n)
	defer putFloat64s(part)
	parts := *part
	parallel.ForChunks(rows, grain, func(c, lo, hi int) {
		acc := parts[c*n : (c+1)*n]
		clear(acc)
		buf, _ := takeDirty(n)
		defer give(buf)
		s := buf.Data
		for r0 := lo; r0 < hi; r0 += biasBlock {
			r1 := min(r0+biasBlock, hi)
			copy(s, dC[r0*n:(r0+1)*n])
			for r := r0 + 1; r < r1; r++ {
				kernels.AddTo(s, dC[r*n:(r+1)*n])
			}
			for j, v := range s {
				acc[j] += float64(v)
			}
		}
	})
	for j := range n {
		var t float64
		for c := range chunks {
			t += parts[c*n+j]
		}
		db[j] += float32(t)
	}
}
