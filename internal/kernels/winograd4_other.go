//go:build !amd64 || purego

package kernels

// wino4Use is the set of F(4×4) row transforms in use: the Go loops in
// this build.
var wino4Use = wino4Generic

// wino4Paths lists every set of F(4×4) row transforms this build can run,
// for tests.
func wino4Paths() []wino4Path { return []wino4Path{wino4Generic} }
