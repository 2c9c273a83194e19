//go:build !amd64 || purego

package kernels

// winoPick is the set of row transforms for rows of n tiles: the Go
// loops in this build.
func winoPick(n int) winoPath {
	return winoPath{"generic", winoInRowGeneric, winoGradRowGeneric, winoOutRowGeneric}
}

// winoPaths lists every set of Winograd row transforms this build can run,
// for tests.
func winoPaths() []winoPath {
	return []winoPath{{"generic", winoInRowGeneric, winoGradRowGeneric, winoOutRowGeneric}}
}
