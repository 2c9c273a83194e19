package shipped

import _ "embed"

// FortunesName is the file name of the shipped text model.
const FortunesName = "fortunes-mdlm.safetensors"

//go:embed fortunes-mdlm.safetensors
var fortunes []byte

// Fortunes returns the shipped character-level MDLM text model, trained on
// Debian's fortunes: a sampling-only export (EMA weights, configuration,
// vocabulary and data split in the header), readable by text.LoadBytes.
// Callers must not modify the returned bytes.
func Fortunes() []byte { return fortunes }
