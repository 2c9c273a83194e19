//go:build !amd64 || purego

package kernels

// packB16Dispatch picks the Go loop: this build has no assembly kernel.
func packB16Dispatch() packB16Func { return packB16Generic }

// packB16Paths lists every packB16 path this build can run, for tests.
func packB16Paths() map[string]packB16Func { return map[string]packB16Func{"generic": packB16Generic} }

// packBTrans16Dispatch picks the Go loop: this build has no assembly kernel.
func packBTrans16Dispatch() packBTrans16Func { return packBTrans16Generic }

// packBTrans16Paths lists every packBTrans16 path this build can run.
func packBTrans16Paths() map[string]packBTrans16Func {
	return map[string]packBTrans16Func{"generic": packBTrans16Generic}
}
