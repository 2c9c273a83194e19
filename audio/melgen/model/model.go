package model

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"

	"github.com/diffusego/diffusego/audio/melgen"
)

// Name is the file name of the shipped mel model.
const Name = "digits-mel.safetensors"

// Source names the shipped model in errors and in the settings of the
// files made with it.
const Source = "shipped:" + Name

//go:embed digits-mel.safetensors
var digitsMel []byte

// Bytes returns the shipped model: a sampling export (melgen.Export; the
// EMA weights, the U-Net configuration and the mel spec in the header),
// readable by melgen.LoadBytes with ema true. Callers must not modify the
// returned bytes.
func Bytes() []byte { return digitsMel }

// SHA256 is the hex SHA-256 of Bytes, written into the settings of every
// clip made with the shipped model.
func SHA256() string {
	s := sha256.Sum256(digitsMel)
	return hex.EncodeToString(s[:])
}

// Load returns the shipped model with its vocoder, ready to sample
// (melgen.Generator.Generate).
func Load() (*melgen.Generator, error) {
	return melgen.LoadBytes(digitsMel, Source, true)
}
