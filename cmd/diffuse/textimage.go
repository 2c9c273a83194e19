package main

import (
	"os"
	"os/signal"
	"strings"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/spf13/cobra"
)

// newTextImageCmd builds `diffuse textimage`, kept as an alias: its train
// is diffuse train --latent, its sample is diffuse sample --prompt.
func newTextImageCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "textimage",
		Short: "Latent text-to-image on the emoji set (aliases of train --latent and sample --prompt)",
		Long: `textimage trains a prompt-conditioned U-Net on the latents of an autoencoder
(diffuse autoencoder train) and samples images from prompts with
classifier-free guidance. It is the same as diffuse train --latent AE and
diffuse sample --checkpoint MODEL --prompt P, which also take every other
sampler setting. Prompts use the characters of the training captions:
upper case is read as lower case, any other unknown character is refused,
and prompts longer than the model's maximum are refused, not cut.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newTextImageTrainCmd(), newTextImageSampleCmd())
	return cmd
}

func newTextImageTrainCmd() *cobra.Command {
	var t textTrain
	cmd := &cobra.Command{
		Use:     "train",
		Short:   "Train the prompt-conditioned latent U-Net (as diffuse train --latent)",
		Example: `  diffuse textimage train --autoencoder runs/emoji-ae --out runs/emoji-t2i --steps 2000`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if t.latent == "" || t.out == "" {
				return usagef("--autoencoder and --out are required")
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			return runPromptTrain(ctx, t, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	t.addFlags(f)
	_ = f.MarkHidden("latent")
	_ = f.MarkHidden("text")
	f.StringVar(&t.latent, "autoencoder", "", "autoencoder folder (diffuse autoencoder train)")
	f.StringVar(&t.out, "out", "", "model folder to write")
	f.StringVar(&t.folder, "data", "", "a captioned image folder to train on instead of the emoji pictures (with --captions)")
	f.StringVar(&t.resume, "resume", "", "model folder or checkpoint to continue from")
	f.IntVar(&t.limit, "n", 0, "train on a seeded subset of this many of the training names' pictures (0: all)")
	f.IntVar(&t.steps, "steps", 1000, "optimiser steps")
	f.Float64Var(&t.minutes, "minutes", 0, "wall-clock budget in minutes (0 = none)")
	f.IntVar(&t.batch, "batch", 32, "latents per step")
	f.Float64Var(&t.lr, "lr", 5e-4, "AdamW peak learning rate (cosine schedule)")
	f.Uint64Var(&t.seed, "seed", 1, "seed")
	return cmd
}

func newTextImageSampleCmd() *cobra.Command {
	s := sampleSettings{class: -1, batch: 64, temperature: 1, threshold: true}
	cmd := &cobra.Command{
		Use:     "sample",
		Short:   "Generate images from prompts (as diffuse sample --prompt)",
		Example: `  diffuse textimage sample --model runs/emoji-t2i --prompt "red apple" --guidance 4 --n 4 --out apples`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if s.checkpoint == "" || len(s.prompts) == 0 {
				return usagef("--model and --prompt are required")
			}
			if s.n < 1 || s.guidance < 0 {
				return usagef("--n %d, --guidance %g: want n ≥ 1 and guidance ≥ 0", s.n, s.guidance)
			}
			if _, err := (sampler.Spec{Name: s.sampler}).Build(); err != nil {
				return usagef("--sampler: %v", err)
			}
			return runPromptSample(cmd.Context(), s, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&s.checkpoint, "model", "", "model folder or checkpoint (diffuse train --latent)")
	f.StringVar(&s.autoencoder, "autoencoder", "", "the autoencoder folder it was trained with (default: the model folder's copy; its hash is checked)")
	f.StringArrayVar(&s.prompts, "prompt", nil, "prompt (repeat for several)")
	f.StringVar(&s.negative, "negative-prompt", "", "prompt to guide away from (default: the unconditional one)")
	f.IntVar(&s.n, "n", 4, "images per prompt")
	f.Float64Var(&s.guidance, "guidance", 4, "classifier-free guidance scale (1 = plain conditional)")
	f.StringVar(&s.sampler, "sampler", "ddim", "sampler: "+strings.Join(sampler.Names(), ", "))
	f.IntVar(&s.steps, "steps", 50, "sampling steps")
	f.Uint64Var(&s.seed, "seed", 1, "random seed")
	f.StringVar(&s.out, "out", "samples", "output folder: INDEX.png per image, grid.png (a row per prompt), prompts.txt")
	return cmd
}
