//go:build !amd64 || purego

package kernels

// gemmDispatch picks the pure-Go loop: this build has no assembly kernel.
func gemmDispatch() (gemm, serial gemmFunc) { return gemmGeneric, gemmGeneric }

// packedKernelDispatch is nil: Gemm takes the pure-Go loop, not the
// packed path.
func packedKernelDispatch() *microKernel { return nil }

// gemmPaths lists every Gemm path this build can run, for tests: the
// reference loop and the packed driver with its pure-Go micro-kernel.
func gemmPaths() []gemmPath {
	return []gemmPath{{"generic", gemmGeneric}, {"packed-go", gemmPackedGo}, {"packed-go-serial", gemmPackedGoSerial}}
}

// microKernels lists the micro-kernels this build can run, for benchmarks.
func microKernels() []microKernelPath { return []microKernelPath{{"go", goKernel}} }
