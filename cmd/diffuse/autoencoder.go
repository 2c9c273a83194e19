package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/data/emoji"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/models/autoencoder"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
	"github.com/spf13/cobra"
)

// newAutoencoderCmd builds `diffuse autoencoder` and its subcommands.
func newAutoencoderCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "autoencoder",
		Short: "Train and evaluate the latent-diffusion autoencoder on the emoji set",
		Long: `autoencoder trains the KL-regularised autoencoder of latent diffusion
(64×64×3 → 16×16×4) on the emoji pictures (make emoji), and reports the
reconstruction PSNR and SSIM on the held-out names' pictures.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newAutoencoderTrainCmd(), newAutoencoderEvalCmd())
	return cmd
}

// aeData are the flags that choose the emoji pictures.
type aeData struct {
	dir       string
	heldOut   float64
	splitSeed uint64
}

func (d *aeData) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&d.dir, "emoji", "out/emoji", "emoji folder written by make emoji")
	cmd.Flags().Float64Var(&d.heldOut, "held-out", 0.1, "fraction of names held out for testing")
	cmd.Flags().Uint64Var(&d.splitSeed, "split-seed", 1, "seed of the held-out names")
}

func (d *aeData) open() (*emoji.Set, emoji.Split, error) {
	set, err := emoji.Open(d.dir)
	if err != nil {
		return nil, emoji.Split{}, err
	}
	return set, set.Split(d.heldOut, d.splitSeed), nil
}

func newAutoencoderTrainCmd() *cobra.Command {
	var (
		d                   aeData
		out, init           string
		steps, batch, every int
		saveEvery, warmup   int
		lr, lrMin           float64
		lrSched             string
		seed                uint64
	)
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train the autoencoder on the training names' pictures",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("--out is required")
			}
			if steps < 1 || batch < 1 {
				return usagef("--steps %d, --batch %d: want positive numbers", steps, batch)
			}
			sched, err := optim.ParseSchedule(lrSched, lr, lrMin, warmup, steps)
			if err != nil {
				return usagef("--lr-schedule: %v", err)
			}
			set, sp, err := d.open()
			if err != nil {
				return err
			}
			a := autoencoder.New(autoencoder.Small(), seed)
			if init != "" { // continue from saved weights, with a fresh optimiser
				if a, _, err = autoencoder.Load(init); err != nil {
					return err
				}
			}
			rng := tensor.NewRNG(seed + 1)
			next := func(int) (*tensor.Tensor, error) {
				idx := make([]int, batch)
				for i := range idx {
					idx[i] = sp.Train[rng.Intn(len(sp.Train))]
				}
				return set.Batch(idx)
			}
			w := cmd.OutOrStdout()
			// The latent scale is calibrated on a fixed seeded batch of
			// 64 training pictures, the same at every save.
			crng := tensor.NewRNG(seed + 2)
			cidx := make([]int, min(64, len(sp.Train)))
			for i := range cidx {
				cidx[i] = sp.Train[crng.Intn(len(sp.Train))]
			}
			calib, err := set.Batch(cidx)
			if err != nil {
				return err
			}
			save := func(done int) error {
				scale, err := a.Calibrate(calib)
				if err != nil {
					return err
				}
				if err := a.Save(out); err != nil {
					return err
				}
				h, _ := a.Hash()
				fmt.Fprintf(w, "autoencoder: step %d: latent scale %.4f; saved %s (SHA-256 %s)\n", done, scale, out, h[:12])
				return nil
			}
			fmt.Fprintf(w, "autoencoder: %d training pictures, %d steps of %d, lr %g (%s)\n", len(sp.Train), steps, batch, lr, lrSched)
			opts := autoencoder.TrainOptions{Steps: steps, Schedule: sched, Seed: seed, Every: every, Log: w}
			if saveEvery > 0 {
				opts.AfterStep = func(done int) error {
					if done%saveEvery != 0 || done == steps {
						return nil
					}
					return save(done)
				}
			}
			if err := autoencoder.Train(cmd.Context(), a, next, opts); err != nil {
				return err
			}
			return save(steps)
		},
	}
	d.add(cmd)
	cmd.Flags().StringVar(&out, "out", "", "folder for autoencoder.safetensors and autoencoder.json")
	cmd.Flags().StringVar(&init, "init", "", "start from the weights of this autoencoder folder (a fresh optimiser and schedule), e.g. to continue a run saved with --save-every")
	cmd.Flags().IntVar(&steps, "steps", 2000, "optimiser steps")
	cmd.Flags().IntVar(&batch, "batch", 16, "pictures per step")
	cmd.Flags().IntVar(&every, "log-every", 50, "log every N steps")
	cmd.Flags().Float64Var(&lr, "lr", 5e-4, "AdamW (peak) learning rate")
	cmd.Flags().StringVar(&lrSched, "lr-schedule", "constant", "learning-rate schedule: constant, warmup or cosine")
	cmd.Flags().Float64Var(&lrMin, "lr-min", 0, "final learning rate of the cosine schedule")
	cmd.Flags().IntVar(&warmup, "warmup", 0, "warm-up steps")
	cmd.Flags().IntVar(&saveEvery, "save-every", 0, "also save the autoencoder every N steps (0: only at the end)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the weights, batches and noise")
	return cmd
}

func newAutoencoderEvalCmd() *cobra.Command {
	var (
		d     aeData
		model string
		n     int
		grid  string
	)
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Reconstruction PSNR and SSIM on the held-out names' pictures",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, hash, err := autoencoder.Load(model)
			if err != nil {
				return err
			}
			set, sp, err := d.open()
			if err != nil {
				return err
			}
			idx := sp.Test
			if n > 0 && n < len(idx) {
				idx = idx[:n]
			}
			x, err := set.Batch(idx)
			if err != nil {
				return err
			}
			psnr, ssim, y, err := a.Quality(x, 32)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "autoencoder %s (SHA-256 %s): %d held-out pictures: PSNR %.2f dB, SSIM %.4f\n", model, hash[:12], len(idx), psnr, ssim)
			if grid == "" {
				return nil
			}
			k := min(8, len(idx)) // originals on the first row, reconstructions under them
			both := tensor.New(2*k, 3, emoji.Size, emoji.Size)
			per := 3 * emoji.Size * emoji.Size
			copy(both.Data[:k*per], x.Data[:k*per])
			copy(both.Data[k*per:], y.Data[:k*per])
			img, err := pngout.Grid(both, k, 2)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(grid), 0o755); err != nil {
				return err
			}
			return checkpoint.WriteAtomic(grid, func(w io.Writer) error { return pngout.Encode(w, img, nil) })
		},
	}
	d.add(cmd)
	cmd.Flags().StringVar(&model, "model", "", "autoencoder folder")
	cmd.Flags().IntVar(&n, "n", 0, "evaluate the first n held-out pictures (0: all)")
	cmd.Flags().StringVar(&grid, "grid", "", "write originals above reconstructions to this PNG")
	return cmd
}
