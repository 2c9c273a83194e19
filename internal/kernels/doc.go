// Package kernels holds diffusego's numeric inner loops: the packed GEMM
// and its micro-kernels, the convolution's column packing (im2col, col2im
// and the implicit-GEMM packing straight from images), element-wise maps
// (activations, GELU and its derivative, exponentials, GroupNorm passes,
// AdamW) and reductions.
//
// Every kernel has a pure-Go version that is always compiled (in
// <kernel>_generic.go, or beside the kernel's exported function); it is
// the reference that faster paths are tested against, path by path, on
// every machine. Assembly paths live in <kernel>_amd64.s. All kernels
// write into destinations the caller provides and run in parallel over
// GOMAXPROCS through internal/parallel, with a split that depends only on
// the sizes, so results are the same bits on every run.
//
// The fastest path the CPU supports (AVX-512, AVX2+FMA, or pure Go) is
// picked once at start-up; setting DIFFUSEGO_KERNELS=generic in the
// environment, or building with the purego tag, forces the pure-Go paths
// for comparison, and DIFFUSEGO_KERNELS=avx2 keeps the AVX2 GEMM on a CPU
// with AVX-512.
//
// Forward products of networks (GemmForward, PackedA.PackForward) can run
// in bf16 instead (SetPrecision(BF16), on CPUs with AVX512_BF16): both
// operands rounded to bfloat16, products summed in float32
// (gemm_bf16.go). Float32 stays the default and the reference.
package kernels
