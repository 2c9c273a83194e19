//go:build !amd64 || purego

package kernels

// packA6Dispatch picks the Go loops: this build has no assembly kernel.
func packA6Dispatch() (packA6Func, packA6Func) { return packA6Generic, packAT6Generic }

// packA6Paths lists every packA6 and packAT6 path this build can run, for
// tests.
func packA6Paths() (plain, trans map[string]packA6Func) {
	return map[string]packA6Func{"generic": packA6Generic}, map[string]packA6Func{"generic": packAT6Generic}
}
