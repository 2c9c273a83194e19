//go:build !amd64 || purego

package kernels

// modDispatch picks the Go loops: this build has no assembly kernels.
func modDispatch() modKernels { return modGeneric }

// modPaths lists every implementation this build can run, for tests.
func modPaths() []modKernels { return []modKernels{modGeneric} }
