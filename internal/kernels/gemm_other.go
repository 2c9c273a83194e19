//go:build !amd64 || purego

package kernels

// gemmDispatch picks the packed driver with the pure-Go micro-kernel: this
// build has no assembly kernel.
func gemmDispatch() (gemm, serial gemmFunc) { return gemmPackedGo, gemmPackedGoSerial }

// packedKernelDispatch is the pure-Go micro-kernel, which gemmDispatch's
// paths run.
func packedKernelDispatch() *microKernel { return goKernel }

// gemmPaths lists every Gemm path this build can run, for tests: the
// packed driver with its pure-Go micro-kernel, parallel and serial.
func gemmPaths() []gemmPath {
	return []gemmPath{{"packed-go", gemmPackedGo}, {"packed-go-serial", gemmPackedGoSerial}}
}

// microKernels lists the micro-kernels this build can run, for benchmarks.
func microKernels() []microKernelPath { return []microKernelPath{{"go", goKernel}} }
