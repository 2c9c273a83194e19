//go:build !amd64 || purego

package kernels

// allFiniteDispatch picks the Go loop: this build has no assembly kernel.
func allFiniteDispatch() func(x []float32) bool { return allFiniteGeneric }

// allFinitePaths lists every AllFinite path this build can run, for tests.
func allFinitePaths() []allFinitePath { return []allFinitePath{{"generic", allFiniteGeneric}} }
