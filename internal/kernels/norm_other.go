//go:build !amd64 || purego

package kernels

// normDispatch picks the Go loops: this build has no assembly kernel.
func normDispatch() normKernels { return normGeneric }

// normPaths lists every norm kernel implementation this build can run, for
// tests.
func normPaths() []normKernels { return []normKernels{normGeneric} }
