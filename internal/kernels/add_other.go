//go:build !amd64 || purego

package kernels

// addDispatch picks the Go loop: this build has no assembly kernel.
func addDispatch() addFunc { return addToGeneric }

// addPaths lists every AddTo path this build can run, for tests.
func addPaths() []addPath { return []addPath{{"generic", addToGeneric}} }

// addScalarsDispatch picks the Go loop: this build has no assembly kernel.
func addScalarsDispatch() addScalarsFunc { return addScalarsGeneric }

// addScalarsPaths lists every AddScalars path this build can run, for tests.
func addScalarsPaths() []addScalarsPath { return []addScalarsPath{{"generic", addScalarsGeneric}} }
