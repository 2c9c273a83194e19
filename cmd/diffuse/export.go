package main

import (
	"fmt"
	"github.com/diffusego/diffusego/jobs"
	"maps"
	"strings"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/spf13/cobra"
)

func newExportCmd() *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write a sampling-only copy of a checkpoint (no optimiser state)",
		Long: `export copies a training checkpoint without AdamW's moment estimates, which
sampling does not need: about half the size. The copy keeps the raw and the
EMA weights, the loss history and the model configuration, so sample, eval,
denoise and inpaint read it like the original; it cannot resume training.`,
		Example: `  diffuse export --checkpoint out/quality --out models/shipped/fashion-mnist.safetensors`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" || to == "" {
				return usagef("export: want --checkpoint and --out")
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
	return cmd
}
