package pngout

import (
	"image"
	"io"

	"github.com/diffusego/diffusego/checkpoint"
)

// WriteFile writes img with the text chunks meta to path atomically
// (checkpoint.WriteAtomic): a reader sees the old file or the new one,
// never half of one.
func WriteFile(path string, img image.Image, meta map[string]string) error {
	return checkpoint.WriteAtomic(path, func(w io.Writer) error { return Encode(w, img, meta) })
}
