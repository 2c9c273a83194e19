//go:build !amd64 || purego

package kernels

// wino4Pick is the set of F(4×4) row transforms in use: the Go loops in
// this build.
func wino4Pick() wino4Path { return wino4Generic }

// wino4Paths lists every set of F(4×4) row transforms this build can run,
// for tests.
func wino4Paths() []wino4Path { return []wino4Path{wino4Generic} }

// Wino4Vector reports whether the F(4×4) transforms run on vector kernels
// in this build: never.
func Wino4Vector() bool { return false }

// wino4CopyRows is the row copy of the band transforms in use.
var wino4CopyRows = wino4CopyRowsGeneric

// wino4RowsOut is the output rows' pass of the band transforms in use.
var wino4RowsOut = wino4RowsOutGeneric
