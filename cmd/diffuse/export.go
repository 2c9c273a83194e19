package main

import (
	"fmt"
	"maps"
	"strings"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/textimage"
	"github.com/spf13/cobra"
)

func newExportCmd() *cobra.Command {
	var from, to, aeDir string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write a sampling-only copy of a checkpoint (no optimiser state)",
		Long: `export copies a training checkpoint without AdamW's moment estimates, which
sampling does not need: about half the size. The copy keeps the raw and the
EMA weights, the loss history and the model configuration, so sample, eval,
denoise and inpaint read it like the original; it cannot resume training.

A text-to-image run (diffuse train --latent or --text) is exported to one
file that is the whole model: the EMA weights, the model's spec and, for a
latent model, its autoencoder (the run folder's copy, or --autoencoder),
all float32, so diffuse sample --checkpoint FILE --prompt P draws the
same images as the run folder. The shipped emoji model was made so.`,
		Example: `  diffuse export --checkpoint out/quality --out models/shipped/fashion-mnist.safetensors
  diffuse export --checkpoint runs/emoji-latent --out models/shipped/emoji-latent.safetensors`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" || to == "" {
				return usagef("export: want --checkpoint and --out")
			}
			if textimage.IsModel(from) {
				return exportTextImage(from, aeDir, to, cmd.OutOrStdout())
			}
			if aeDir != "" {
				return usagef("--autoencoder: %s is not a text-to-image model", from)
			}
			path, err := jobs.NewestCheckpoint(from)
			if err != nil {
				return err
			}
			f, err := checkpoint.ReadFile(path)
			if err != nil {
				return err
			}
			if _, ok := f.Meta[pipeline.ConfigKey]; !ok {
				return fmt.Errorf("checkpoint %s: not a diffusego image model", path)
			}
			meta := maps.Clone(f.Meta)
			for k := range meta {
				if strings.HasPrefix(k, "adam.") {
					delete(meta, k)
				}
			}
			meta["diffusego.exported_from"] = path
			tensors := maps.Clone(f.Tensors)
			for k := range tensors {
				if strings.HasPrefix(k, "adam.") {
					delete(tensors, k)
				}
			}
			if err := checkpoint.WriteSafetensors(to, tensors, meta); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%d tensors) from %s\n", to, len(tensors), path)
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "checkpoint", "", "checkpoint file or run folder (its newest checkpoint)")
	cmd.Flags().StringVar(&to, "out", "", "file to write")
	cmd.Flags().StringVar(&aeDir, "autoencoder", "", "latent text-to-image runs: the autoencoder folder (default: the run folder's copy; its SHA-256 must match)")
	return cmd
}
