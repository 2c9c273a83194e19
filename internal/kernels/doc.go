// Package kernels holds diffusego's numeric inner loops: GEMM, im2col
// convolution helpers, element-wise maps and reductions.
//
// Every kernel has a pure-Go version (<kernel>_generic.go) that is always
// compiled; it is the reference that faster paths are tested against. All
// kernels write into destinations the caller provides and run in parallel
// over GOMAXPROCS through internal/parallel, with a split that depends only
// on the sizes, so results are the same bits on every run.
//
// The fastest path the CPU supports is picked once at start-up; setting
// DIFFUSEGO_KERNELS=generic in the environment, or building with the
// purego tag, forces the pure-Go paths for comparison.
package kernels
