//go:build !amd64 || purego

package kernels

// actDispatch picks the Go loops: this build has no assembly kernel.
func actDispatch() (silu, sigmoid actFunc) { return siluGeneric, sigmoidGeneric }

// actPaths lists every SiLU/Sigmoid path this build can run, for tests.
func actPaths() []actPath { return []actPath{{"generic", siluGeneric, sigmoidGeneric}} }
