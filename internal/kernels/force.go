package kernels

import "os"

// genericForced is set by DIFFUSEGO_KERNELS=generic in the environment:
// every kernel then takes its pure-Go path, whatever the CPU has, so that
// one binary can time the assembly against the fallback (the purego build
// tag does the same at compile time). DIFFUSEGO_KERNELS=avx2 keeps the
// AVX2 GEMM on a CPU with AVX-512 (avx2Forced). Both are read once, at
// start-up.
var (
	genericForced = os.Getenv("DIFFUSEGO_KERNELS") == "generic"
	avx2Forced    = os.Getenv("DIFFUSEGO_KERNELS") == "avx2"
)
