//go:build !amd64 || purego

package kernels

// wino4FilterUse is the set of F(4×4) filter transforms in use: the Go
// loops in this build.
var wino4FilterUse = wino4FilterGenericPath

// wino4FilterPaths lists every set of F(4×4) filter transforms this build
// can run, for tests.
func wino4FilterPaths() []wino4FilterPath { return []wino4FilterPath{wino4FilterGenericPath} }
