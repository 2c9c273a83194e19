//go:build !amd64 || purego

package kernels

// packB16Dispatch picks the Go loop: this build has no assembly kernel.
func packB16Dispatch() packB16Func { return packB16Generic }

// packB16Paths lists every packB16 path this build can run, for tests.
func packB16Paths() map[string]packB16Func { return map[string]packB16Func{"generic": packB16Generic} }
