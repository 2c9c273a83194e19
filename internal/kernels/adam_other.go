//go:build !amd64 || purego

package kernels

// adamImpl is the Go loop: this build has no assembly kernel.
func adamImpl(p, g, m, v []float32, s AdamStep) { adamGeneric(p, g, m, v, s) }

// adamPaths lists every AdamW path this build can run, for tests.
func adamPaths() []adamPath { return []adamPath{{"generic", adamGeneric}} }
