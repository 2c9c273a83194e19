//go:build !amd64 || purego

package kernels

// wino4NormSiLURows is the normalising row copy in use: the Go loop in
// this build.
var wino4NormSiLURows = wino4NormSiLURowsGeneric
