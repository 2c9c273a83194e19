package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/data/emoji"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/models/autoencoder"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/textimage"
	"github.com/spf13/cobra"
)

// newTextImageCmd builds `diffuse textimage` and its subcommands.
func newTextImageCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "textimage",
		Short: "Latent text-to-image diffusion on the emoji set: train, sample --prompt",
		Long: `textimage trains a prompt-conditioned U-Net on the latents of an autoencoder
(diffuse autoencoder train) and samples images from prompts with
classifier-free guidance. Prompts use the characters of the training
captions: upper case is read as lower case, any other unknown character is
refused, and prompts longer than the model's maximum are refused, not cut.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newTextImageTrainCmd(), newTextImageSampleCmd())
	return cmd
}

func newTextImageTrainCmd() *cobra.Command {
	var (
		d                       aeData
		aeDir, out              string
		n, steps, batch, every  int
		maxLen, width, channels int
		lr, dropout             float64
		seed                    uint64
	)
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train the prompt-conditioned latent U-Net on the training names' pictures",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" || aeDir == "" {
				return usagef("--out and --autoencoder are required")
			}
			if n < 1 || steps < 1 || batch < 1 {
				return usagef("--n %d, --steps %d, --batch %d: want positive numbers", n, steps, batch)
			}
			ae, _, err := autoencoder.Load(aeDir)
			if err != nil {
				return err
			}
			set, sp, err := d.open()
			if err != nil {
				return err
			}
			idx := sp.Train
			if n < len(idx) { // a seeded subset
				perm := tensor.NewRNG(seed).Perm(len(idx))
				sub := make([]int, n)
				for i := range sub {
					sub[i] = idx[perm[i]]
				}
				idx = sub
			}
			w := cmd.OutOrStdout()
			z, err := encodeLatents(set, idx, ae)
			if err != nil {
				return err
			}
			caps := set.Captions(sp.Train) // the vocabulary covers every training caption
			m, err := textimage.New(ae, emoji.Size, caps, maxLen, width, channels, seed)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "textimage: %d pictures encoded to latents %v; vocabulary %d characters\n", len(idx), z.Shape[1:], m.Net.Text.Vocab.Size()-2)
			err = m.Train(cmd.Context(), z, set.Captions(idx), textimage.TrainOptions{Steps: steps, Batch: batch, LR: lr, Dropout: dropout, Seed: seed, Every: every, Log: w})
			if err != nil {
				return err
			}
			if err := m.Save(out); err != nil {
				return err
			}
			fmt.Fprintf(w, "textimage: saved %s (autoencoder %s)\n", out, m.AEHash[:12])
			return nil
		},
	}
	d.add(cmd)
	f := cmd.Flags()
	f.StringVar(&aeDir, "autoencoder", "", "autoencoder folder (diffuse autoencoder train)")
	f.StringVar(&out, "out", "", "model folder to write")
	f.IntVar(&n, "n", 512, "training pictures to encode (a seeded subset of the training names' pictures)")
	f.IntVar(&steps, "steps", 1000, "optimiser steps")
	f.IntVar(&batch, "batch", 16, "latents per step")
	f.IntVar(&every, "log-every", 50, "log every N steps")
	f.IntVar(&maxLen, "max-len", 80, "longest prompt, in characters (the longest emoji name has 78)")
	f.IntVar(&width, "text-width", 64, "text encoder width")
	f.IntVar(&channels, "channels", 32, "U-Net base width")
	f.Float64Var(&lr, "lr", 3e-4, "AdamW learning rate")
	f.Float64Var(&dropout, "caption-dropout", 0.1, "probability of training a caption as \"\" (for guidance)")
	f.Uint64Var(&seed, "seed", 1, "seed")
	return cmd
}

// encodeLatents encodes the pictures idx, 32 at a time.
func encodeLatents(set *emoji.Set, idx []int, ae *autoencoder.Autoencoder) (*tensor.Tensor, error) {
	var z *tensor.Tensor
	for lo := 0; lo < len(idx); lo += 32 {
		hi := min(lo+32, len(idx))
		x, err := set.Batch(idx[lo:hi])
		if err != nil {
			return nil, err
		}
		zb, err := ae.Encode(x)
		if err != nil {
			return nil, err
		}
		if z == nil {
			z = tensor.New(append([]int{len(idx)}, zb.Shape[1:]...)...)
		}
		copy(z.Data[lo*(zb.Len()/(hi-lo)):], zb.Data)
	}
	return z, nil
}

func newTextImageSampleCmd() *cobra.Command {
	var (
		model, aeDir, out, negative, samp string
		prompts                           []string
		n, steps                          int
		guidance                          float64
		seed                              uint64
	)
	cmd := &cobra.Command{
		Use:     "sample",
		Short:   "Generate images from prompts",
		Example: `  diffuse textimage sample --model runs/emoji-t2i --autoencoder runs/emoji-ae --prompt "red apple" --guidance 4 --n 4 --out apples`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if model == "" || aeDir == "" || len(prompts) == 0 {
				return usagef("--model, --autoencoder and --prompt are required")
			}
			if n < 1 || guidance < 0 {
				return usagef("--n %d, --guidance %g: want n ≥ 1 and guidance ≥ 0", n, guidance)
			}
			m, err := textimage.Load(model, aeDir)
			if err != nil {
				return err
			}
			var all []string
			for _, p := range prompts {
				for range n {
					all = append(all, p)
				}
			}
			x, err := m.Sample(cmd.Context(), all, textimage.SampleOptions{Sampler: sampler.Spec{Name: samp, Steps: steps},
				Guidance: guidance, Negative: negative, Seed: seed})
			if err != nil {
				return err // nothing written
			}
			return writeTextImages(out, x, all, n)
		},
	}
	f := cmd.Flags()
	f.StringVar(&model, "model", "", "model folder (diffuse textimage train)")
	f.StringVar(&aeDir, "autoencoder", "", "the autoencoder folder it was trained with (its hash is checked)")
	f.StringArrayVar(&prompts, "prompt", nil, "prompt (repeat for several)")
	f.StringVar(&negative, "negative-prompt", "", "prompt to guide away from (default: the unconditional one)")
	f.IntVar(&n, "n", 4, "images per prompt")
	f.Float64Var(&guidance, "guidance", 4, "classifier-free guidance scale (1 = plain conditional)")
	f.StringVar(&samp, "sampler", "ddim", "sampler: "+strings.Join(sampler.Names(), ", "))
	f.IntVar(&steps, "steps", 50, "sampling steps")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVar(&out, "out", "samples", "output folder: INDEX.png per image, grid.png (a row per prompt), prompts.txt")
	return cmd
}

func writeTextImages(out string, x *tensor.Tensor, prompts []string, perRow int) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	per := x.Len() / x.Shape[0]
	for i := range x.Shape[0] {
		one := tensor.New(1, x.Shape[1], x.Shape[2], x.Shape[3])
		copy(one.Data, x.Data[i*per:(i+1)*per])
		img, err := pngout.Grid(one, 1, 0)
		if err != nil {
			return err
		}
		meta := map[string]string{"prompt": prompts[i]}
		if err := checkpoint.WriteAtomic(filepath.Join(out, fmt.Sprintf("%04d.png", i)), func(w io.Writer) error { return pngout.Encode(w, img, meta) }); err != nil {
			return err
		}
	}
	img, err := pngout.Grid(x, perRow, 2)
	if err != nil {
		return err
	}
	if err := checkpoint.WriteAtomic(filepath.Join(out, "grid.png"), func(w io.Writer) error { return pngout.Encode(w, img, nil) }); err != nil {
		return err
	}
	var b strings.Builder
	for i := 0; i < len(prompts); i += perRow {
		fmt.Fprintf(&b, "row %d: %s\n", i/perRow, prompts[i])
	}
	return os.WriteFile(filepath.Join(out, "prompts.txt"), []byte(b.String()), 0o644)
}
