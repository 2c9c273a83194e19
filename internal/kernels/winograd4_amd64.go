//go:build !purego

package kernels

// wino4Pick is the set of F(4×4) row transforms in use.
func wino4Pick() wino4Path { return wino4Generic }

// wino4Paths lists every set of F(4×4) row transforms this machine can
// run, for tests.
func wino4Paths() []wino4Path { return []wino4Path{wino4Generic} }
