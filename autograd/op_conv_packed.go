package autograd

import (
	"sync"

	"github.com/diffusego/diffusego/internal/kernels"
)

// packedWeights keeps the packed weights of finished convolution calls
// for the next call of the same shape, one slice of groups at a time, so
// that their panel buffers are reused rather than regrown as layers of
// different sizes take turns.
var packedWeights struct {
	sync.Mutex
	free map[packedShape][][]*kernels.PackedA
}

// packedShape is the shape of a convolution's packed weights: groups
// matrices op(A) of m×k, transposed or not.
type packedShape struct {
	trans, rotated bool // rotated: rotateWeights' W'_g
	wino           bool // the 16 transformed filters of winoFilters
	groups, m, k   int
}

// shape is the packedShape of the group weights packWeights packs.
func (c *convChunks) shape(trans bool) packedShape {
	if trans {
		return packedShape{trans: true, groups: c.groups, m: c.kG, k: c.coutG}
	}
	return packedShape{groups: c.groups, m: c.coutG, k: c.kG}
}

// rotatedShape is the packedShape of rotateWeights' W'_g: (C/groups) ×
// (coutG·KH·KW).
func (c *convChunks) rotatedShape() packedShape {
	taps := c.geom.KH * c.geom.KW
	return packedShape{rotated: true, groups: c.groups, m: c.kG / taps, k: c.coutG * taps}
}

// takeWeights returns packed weights of shape sh to pack into: a set a
// finished call gave back, or a new one.
func takeWeights(sh packedShape) []*kernels.PackedA {
	var ps []*kernels.PackedA
	packedWeights.Lock()
	if free := packedWeights.free[sh]; len(free) > 0 {
		ps = free[len(free)-1]
		free[len(free)-1] = nil
		packedWeights.free[sh] = free[:len(free)-1]
	}
	packedWeights.Unlock()
	if ps == nil {
		ps = make([]*kernels.PackedA, sh.groups)
		for gi := range ps {
			ps[gi] = new(kernels.PackedA)
		}
	}
	return ps
}

// packWeights packs the weight of every group once for the whole call:
// W_g (coutG × kG) for the forward product, or W_gᵀ for the backward one
// when trans. Give the result back with releaseWeights.
func (c *convChunks) packWeights(trans bool) []*kernels.PackedA {
	sh := c.shape(trans)
	ps := takeWeights(sh)
	for gi, p := range ps {
		if trans { // backward: gradients stay float32
			p.Pack(sh.trans, sh.m, sh.k, c.W[gi*c.coutG*c.kG:], c.kG)
		} else { // forward: bf16 under kernels.BF16
			p.PackForward(sh.trans, sh.m, sh.k, c.W[gi*c.coutG*c.kG:], c.kG)
		}
	}
	return ps
}

// releaseWeights gives packed weights of shape sh back for reuse.
func releaseWeights(sh packedShape, ps []*kernels.PackedA) {
	packedWeights.Lock()
	if packedWeights.free == nil {
		packedWeights.free = map[packedShape][][]*kernels.PackedA{}
	}
	packedWeights.free[sh] = append(packedWeights.free[sh], ps)
	packedWeights.Unlock()
}

// gemmA is kernels.GemmASerial when the chunks run in parallel
// themselves, and the parallel kernels.GemmA otherwise, as gemm chooses.
func (c *convChunks) gemmA() func(p *kernels.PackedA, transB bool, n int, alpha float32, b []float32, ldb int, beta float32, cc []float32, ldc int) {
	if c.serial() {
		return kernels.GemmASerial
	}
	return kernels.GemmA
}
