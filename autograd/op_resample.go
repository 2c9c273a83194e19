package autograd

import (
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// planeGrain is how many image planes of hw pixels one worker takes at
// least, so that small planes are not split into tiny tasks.
func planeGrain(hw int) int { return 1 + 16384/(hw+1) }

// UpsampleNearest2d enlarges x (N, C, H, W) to (N, C, H·factor, W·factor)
// by repeating each pixel in a factor×factor block:
// out[y][x] = in[⌊y/factor⌋][⌊x/factor⌋], as PyTorch's
// interpolate(mode="nearest") with an integer scale factor.
func (g *Graph) UpsampleNearest2d(x *Var, factor int) *Var {
	const op = "UpsampleNearest2d"
	xs := x.Value.Shape
	if len(xs) != 4 {
		tensor.Shapef(op, [][]int{xs}, "want x (N, C, H, W)")
	}
	if factor < 1 {
		tensor.Shapef(op, [][]int{xs}, "factor %d: want ≥ 1", factor)
	}
	planes, h, w := xs[0]*xs[1], xs[2], xs[3]
	oh, ow := h*factor, w*factor
	out := g.allocDirty(xs[0], xs[1], oh, ow) // (N, C, H·f, W·f); every row is written
	upsample := func(X, Y []float32) {
		parallel.For(planes, planeGrain(oh*ow), func(lo, hi int) {
			for p := lo; p < hi; p++ {
				if factor == 2 { // both output rows of an input row in one pass
					for y := range h {
						up2(Y[(p*oh+2*y)*ow:][:2*ow], X[(p*h+y)*w:][:w])
					}
					continue
				}
				for y := range oh {
					src := X[(p*h+y/factor)*w:][:w]
					dst := Y[(p*oh+y)*ow:][:ow]
					if y%factor != 0 { // same source row as the row above
						copy(dst, Y[(p*oh+y-1)*ow:][:ow])
						continue
					}
					for j, v := range src {
						for a := range factor {
							dst[j*factor+a] = v
						}
					}
				}
			}
		})
	}
	upsample(x.Value.Data, out.Data)
	v := g.recordOp(out, func(o *Var) {
		dx, set := x.GradDst() // every element is the sum of a block
		dY, dX := o.Grad.Data, dx.Data
		// dx[i][j] = Σ of dy over the factor×factor block that copied it:
		// the block's rows in order, each row's sum (from +0) added in.
		// Where set, the first row's sum is written instead: 0 + s is s,
		// since a sum from +0 is never −0.
		parallel.For(planes, planeGrain(oh*ow), func(lo, hi int) {
			for p := lo; p < hi; p++ {
				if factor == 2 { // both rows of a block in one pass
					for y := range h {
						down2(dX[(p*h+y)*w:][:w], dY[(p*oh+2*y)*ow:][:2*ow], set)
					}
					continue
				}
				for y := range oh {
					src := dY[(p*oh+y)*ow:][:ow]
					dst := dX[(p*h+y/factor)*w:][:w]
					first := set && y%factor == 0
					for j := range dst {
						var s float32
						for _, v := range src[j*factor : (j+1)*factor] {
							s += v
						}
						if first {
							dst[j] = s
						} else {
							dst[j] += s
						}
					}
				}
			}
		})
	}, nil, x)
	return g.rematerializable(v, func(dst *tensor.Tensor) { // Evict
		x.materialize()
		upsample(x.Value.Data, dst.Data)
	})
}

// up2 writes the two output rows (2·len(src) each, one after the other in
// dst) that nearest-neighbour upsampling by 2 makes of the input row src.
func up2(dst, src []float32) {
	n := 2 * len(src)
	d0, d1 := dst[:n], dst[n:2*n]
	for j, v := range src {
		a, b := d0[2*j:2*j+2:2*j+2], d1[2*j:2*j+2:2*j+2]
		a[0], a[1], b[0], b[1] = v, v, v, v
	}
}

// down2 adds into dst, or with set writes there, the sums of the 2×2
// blocks of the two gradient rows in src (2·len(dst) each, one after the
// other) that upsampling by 2 copied each element of dst into. The sums
// are those of the general loop, to the bit: each row's pair from +0,
// then the first row's sum added, then the second's (a sum from +0 is
// never −0, so writing it is adding it into zero).
func down2(dst, src []float32, set bool) {
	n := 2 * len(dst)
	r0, r1 := src[:n], src[n:2*n]
	if set {
		for j := range dst {
			a, b := r0[2*j:2*j+2:2*j+2], r1[2*j:2*j+2:2*j+2]
			dst[j] = ((0 + a[0]) + a[1]) + ((0 + b[0]) + b[1])
		}
		return
	}
	for j := range dst {
		a, b := r0[2*j:2*j+2:2*j+2], r1[2*j:2*j+2:2*j+2]
		dst[j] = (dst[j] + ((0 + a[0]) + a[1])) + ((0 + b[0]) + b[1])
	}
}

// AvgPool2d averages x (N, C, H, W) over kernel×kernel windows taken every
// stride pixels, without padding: the result is (N, C, OH, OW) with
// OH = ⌊(H − kernel) / stride⌋ + 1, and likewise OW, as PyTorch's
// avg_pool2d(x, kernel, stride).
func (g *Graph) AvgPool2d(x *Var, kernel, stride int) *Var {
	const op = "AvgPool2d"
	xs := x.Value.Shape
	if len(xs) != 4 {
		tensor.Shapef(op, [][]int{xs}, "want x (N, C, H, W)")
	}
	if kernel < 1 || stride < 1 {
		tensor.Shapef(op, [][]int{xs}, "kernel %d, stride %d: want both ≥ 1", kernel, stride)
	}
	planes, h, w := xs[0]*xs[1], xs[2], xs[3]
	if kernel > h || kernel > w {
		tensor.Shapef(op, [][]int{xs}, "kernel %d larger than input %d×%d", kernel, h, w)
	}
	oh, ow := (h-kernel)/stride+1, (w-kernel)/stride+1
	scale := 1 / float32(kernel*kernel)
	out := g.allocDirty(xs[0], xs[1], oh, ow) // (N, C, OH, OW); every element is written
	X, Y := x.Value.Data, out.Data
	parallel.For(planes, planeGrain(h*w), func(lo, hi int) {
		for p := lo; p < hi; p++ {
			in := X[p*h*w : (p+1)*h*w]
			for y := range oh {
				dst := Y[(p*oh+y)*ow:][:ow]
				for xo := range dst {
					var s float32
					for ki := range kernel {
						for _, v := range in[(y*stride+ki)*w+xo*stride:][:kernel] {
							s += v
						}
					}
					dst[xo] = s * scale
				}
			}
		}
	})
	return g.recordOp(out, func(o *Var) {
		dY, dX := o.Grad.Data, x.GradBuf().Data
		// Each window spreads its gradient evenly over its pixels. Windows
		// of one plane may overlap, so a plane belongs to one worker.
		parallel.For(planes, planeGrain(h*w), func(lo, hi int) {
			for p := lo; p < hi; p++ {
				dx := dX[p*h*w : (p+1)*h*w]
				for y := range oh {
					for xo, v := range dY[(p*oh+y)*ow:][:ow] {
						v *= scale
						for ki := range kernel {
							row := dx[(y*stride+ki)*w+xo*stride:][:kernel]
							for j := range row {
								row[j] += v
							}
						}
					}
				}
			}
		})
	}, nil, x)
}
