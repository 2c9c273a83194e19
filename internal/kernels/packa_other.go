//go:build !amd64 || purego

package kernels

// packA6Dispatch picks the Go loops: this build has no assembly kernel.
func packA6Dispatch() (packA6Func, packA6Func) { return packA6Generic, packAT6Generic }

// packA6Paths lists every packA6 and packAT6 path this build can run, for
// tests.
func packA6Paths() (plain, trans map[string]packA6Func) {
	return map[string]packA6Func{"generic": packA6Generic}, map[string]packA6Func{"generic": packAT6Generic}
}

// packRowsDispatch picks the Go loops: this build has no assembly kernel.
func packRowsDispatch() (packRowsFunc, packRowsFunc) { return packAT6RowsGeneric, packB16RowsGeneric }

// packRowsPaths lists every packAT6Rows and packB16Rows path this build
// can run, for tests.
func packRowsPaths() (at6, b16 map[string]packRowsFunc) {
	return map[string]packRowsFunc{"generic": packAT6RowsGeneric}, map[string]packRowsFunc{"generic": packB16RowsGeneric}
}
