//go:build !amd64 || purego

package kernels

// geluDispatch picks the Go loops: this build has no assembly kernel.
func geluDispatch() (geluFunc, geluGradFunc) { return geluGeneric, geluGradGeneric }

// geluPaths lists every GELU path this build can run, for tests.
func geluPaths() []geluPath { return []geluPath{{"generic", geluGeneric, geluGradGeneric}} }
