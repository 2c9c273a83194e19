// Package tensor holds diffusego's n-dimensional float32 arrays, the shape
// errors every op reports, and the seeded random source.
//
// A Tensor is a shape and a flat, row-major (C order) slice of float32: the
// last axis varies fastest. Tensors are always contiguous; Reshape returns a
// view that shares the data. Images are laid out NCHW everywhere in the
// project: batch, channel, height, width. Sequences are (B, T, D).
//
// Shape mismatches inside an op are programmer errors: the op panics with a
// *ShapeError naming the op and the shapes. Public entry points that run
// models turn such a panic into a returned error with
//
//	defer tensor.Recover(&err)
//
// Randomness is passed explicitly as an *RNG made from a seed; the same seed
// gives the same numbers on every run.
//
//	rng := tensor.NewRNG(42)
//	x := tensor.New(2, 3)   // zeros, shape (2, 3)
//	rng.FillNormal(x, 0, 1) // x ~ N(0, 1)
package tensor
