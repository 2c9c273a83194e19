package main

import (
	"fmt"
	"io"
	"os"

	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/textimage"
)

// exportTextImage is diffuse export for a text-to-image run folder or
// checkpoint (textimage.Export): one sampling-only file holding the EMA
// weights, the model's spec and, for a latent model, its autoencoder.
func exportTextImage(from, aeDir, to string, log io.Writer) error {
	ckpt, err := jobs.NewestCheckpoint(from)
	if err != nil {
		return err
	}
	if err := textimage.Export(ckpt, aeDir, to); err != nil {
		return err
	}
	st, err := os.Stat(to)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "wrote %s (%.1f MB: EMA weights and spec, with the autoencoder for a latent model) from %s\n", to, float64(st.Size())/1e6, ckpt)
	return nil
}
