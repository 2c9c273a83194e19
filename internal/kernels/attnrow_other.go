//go:build !amd64 || purego

package kernels

// attnRowDispatch picks the Go loops: this build has no assembly kernels.
func attnRowDispatch() (func([]float32) float32, func(ds, e []float32, d, inv float32)) {
	return rowMaxGo, softmaxGradRowGo
}

// attnRowPaths lists every path this build can run, for tests.
func attnRowPaths() []attnRowPath { return []attnRowPath{{"generic", rowMaxGo, softmaxGradRowGo}} }
