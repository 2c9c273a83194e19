//go:build !amd64 || purego

package kernels

// sum16Impl is the Go loop: this build has no assembly kernel.
func sum16Impl(x []float32, acc *[16]float64) { sum16Generic(x, acc) }

// sumPaths lists every sum16 path this build can run, for tests.
func sumPaths() []sumPath { return []sumPath{{"generic", sum16Generic}} }
