//go:build !amd64 || purego

package kernels

// expDispatch picks the Go loop: this build has no assembly kernel.
func expDispatch() expShiftFunc { return expShiftGeneric }

// expPaths lists every ExpShift path this build can run, for tests.
func expPaths() []expPath { return []expPath{{"generic", expShiftGeneric}} }
