package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/diffusego/diffusego/anomaly"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/jobs"
	"github.com/spf13/cobra"
)

// anomalySettings are the flags of `diffuse anomaly`.
type anomalySettings struct {
	checkpoint, images, val, out, data string
	raw                                bool
	class                              int
	sigmas                             string
	seeds, reconSteps, terms, chunk    int
	quantile                           float64
	score, fit, steps                  string
	grid, k                            int
	seed                               uint64
	shard                              shardFlags
}

func newAnomalyCmd() *cobra.Command {
	var s anomalySettings
	cmd := &cobra.Command{
		Use:   "anomaly",
		Short: "Score images for anomaly with a trained model and flag the unusual ones",
		Long: `anomaly scores every image of --images, higher = more unusual for the
model, and flags those above a threshold picked on normal images.

By default (--score feat_ens) the denoiser probes each image at the time
steps of --steps: one network pass on the noised image gives its encoder
features and its noise prediction. The CSV has six such scores:

  feat_recon  the distance, in the encoder's features, between the image
              and its one-shot reconstruction from each level, averaged;
  err_maha    the Mahalanobis distance of the per-level denoising errors
              (logs) under a Gaussian fitted on the --fit images;
  feat_maha   the Mahalanobis distance of the encoder features and errors
              of all levels under a Ledoit-Wolf Gaussian fitted on --fit;
  feat_knn    the mean distance of the encoder features to the --k nearest
              --fit images;
  layer_maha  the sum over levels and encoder layers of each layer's
              Mahalanobis distance under its own Ledoit-Wolf Gaussian;
  feat_ens    the mean of layer_maha and feat_knn, each z-scored by its
              mean and deviation over the --val images.

--fit are normal images (e.g. a sample of the training images); without
it the --val images are used, each left out of its own neighbours. The
CSV has one row per image: index, name, label, feat_recon, err_maha,
feat_maha, feat_knn, layer_maha, feat_ens, anomalous (by --score).

--score recon or elbo gives the two older scores instead, and their CSV
(index, name, label, recon, elbo_bpd, recon_anomalous, elbo_anomalous):

  recon     the squared error of noising the image to each level in --sigmas
            and denoising it back (one network call with --recon-steps 0,
            else that many DDPM steps), averaged over the levels and --seeds
            noise draws;
  elbo_bpd  the negative ELBO in bits per dimension, from --elbo-terms
            diffusion terms drawn stratified in log sigma (0 = all of them).

The threshold of a score is its --quantile over the images of --val,
which should all be normal (e.g. held-out training images): about
1 - quantile of normal images are then flagged. The time per image of
--images is printed.

An image source is a PNG file or folder of the model's size and channels,
or fashion-mnist:SPLIT with SPLIT train or test, optionally followed by
?classes=C,... (keep those classes) and &range=FROM:TO (positions among
the kept images). A class-conditional model needs --class, the normal
class it is conditioned on; an unconditional one refuses it.

Images are scored --chunk at a time, and a score depends on its image's
place in its chunk. With --shard I --shards N (or JOB_COMPLETION_INDEX for
I) a process scores whole chunks [I·k/N, (I+1)·k/N) of the k chunks and
writes their rows, with global indices, and OUT.part.json beside the CSV;
diffuse merge joins the parts into the CSV of one unsharded run. Every
shard scores --val itself. Sharding is for --score recon and elbo.`,
		Example: `  diffuse train --config configs/oneclass.yaml --classes 3 --limit 5800 --out runs/dress
  diffuse anomaly --checkpoint runs/dress --images 'fashion-mnist:test?range=0:1000' \
      --val 'fashion-mnist:train?classes=3&range=5800:5900' \
      --fit 'fashion-mnist:train?classes=3&range=0:500' --out scores.csv
  diffuse anomaly --checkpoint runs/dress --images photos/ --val normal/ --out scores.csv
  diffuse anomaly --checkpoint runs/dress --images photos/ --val normal/ --shard 1 --shards 4 --out scores-1.csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAnomaly(cmd, s)
		},
	}
	f := cmd.Flags()
	f.StringVar(&s.checkpoint, "checkpoint", "", "checkpoint file or run folder (default: the shipped Fashion-MNIST model, with --class)")
	f.StringVar(&s.images, "images", "", "images to score: a PNG file or folder, or fashion-mnist:SPLIT[?classes=…&range=FROM:TO]")
	f.StringVar(&s.val, "val", "", "normal validation images for the thresholds, same forms as --images")
	f.StringVar(&s.out, "out", "scores.csv", "CSV file to write")
	f.StringVar(&s.data, "data", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST folder for fashion-mnist: sources")
	f.BoolVar(&s.raw, "raw", false, "use the raw weights instead of the EMA")
	f.IntVar(&s.class, "class", -1, "normal class for a class-conditional model (-1: unconditional model)")
	f.StringVar(&s.sigmas, "sigmas", "0.3,0.7", "noise levels of the reconstruction score, comma-separated")
	f.IntVar(&s.seeds, "seeds", 2, "noise draws per level, averaged")
	f.IntVar(&s.reconSteps, "recon-steps", 0, "DDPM steps to denoise back (0: one-shot, one network call)")
	f.IntVar(&s.terms, "elbo-terms", 6, "ELBO diffusion terms evaluated, stratified (0: all T-1)")
	f.Float64Var(&s.quantile, "quantile", 0.95, "threshold = this quantile of the validation scores")
	f.Uint64Var(&s.seed, "seed", 1, "random seed of the noise and the ELBO steps")
	f.IntVar(&s.chunk, "chunk", 100, "images scored together (scores depend on it: keep it the same across shards)")
	f.StringVar(&s.score, "score", anomaly.ScoreFeatEns, "score that flags: feat_ens, feat_maha, feat_knn, layer_maha, err_maha, feat_recon, recon or elbo")
	f.StringVar(&s.fit, "fit", "", "normal images the feature scores are fitted on, same forms as --images (default: --val, leave-one-out)")
	f.StringVar(&s.steps, "steps", "100,250,400", "time steps of the feature probes, comma-separated")
	f.IntVar(&s.grid, "grid", 2, "encoder features pooled over grid×grid cells")
	f.IntVar(&s.k, "k", 5, "neighbours of feat_knn")
	s.shard.add(cmd)
	return cmd
}

func runAnomaly(cmd *cobra.Command, s anomalySettings) error {
	switch {
	case s.images == "":
		return usagef("--images: want a PNG file or folder, or fashion-mnist:SPLIT")
	case s.val == "":
		return usagef("--val: want normal validation images (a PNG folder, or fashion-mnist:SPLIT) to pick the thresholds on")
	case s.seeds < 1 || s.reconSteps < 0 || s.terms < 0 || s.chunk < 1:
		return usagef("--seeds ≥ 1, --recon-steps ≥ 0, --elbo-terms ≥ 0, --chunk ≥ 1: got %d, %d, %d, %d", s.seeds, s.reconSteps, s.terms, s.chunk)
	case !(s.quantile > 0 && s.quantile < 1):
		return usagef("--quantile: want a number in (0, 1), got %g", s.quantile)
	}
	feature := slices.Contains(anomaly.FeatureScoreNames, s.score)
	if !feature && s.score != "recon" && s.score != "elbo" {
		return usagef("--score %q: want one of %s, recon, elbo", s.score, strings.Join(anomaly.FeatureScoreNames, ", "))
	}
	if s.k < 1 || s.grid < 1 {
		return usagef("--k ≥ 1, --grid ≥ 1: got %d, %d", s.k, s.grid)
	}
	sigmas, err := parseSigmas(s.sigmas)
	if err != nil {
		return err
	}
	steps, err := parseSteps(s.steps)
	if err != nil {
		return err
	}
	part, sharded, err := s.shard.resolve(cmd)
	if err != nil {
		return err
	}
	if sharded && feature {
		return usagef("--shards: sharding is for --score recon or elbo, not %s", s.score)
	}
	p, hash, err := jobs.LoadModel(s.checkpoint, s.raw)
	if err != nil {
		return err
	}
	spec := jobs.AnomalySpec{Class: s.class, Sigmas: sigmas, Seeds: s.seeds, ReconSteps: s.reconSteps, Terms: s.terms,
		Quantile: s.quantile, Seed: s.seed, Chunk: s.chunk}
	det, err := spec.Detector(p)
	if err != nil {
		return asUsage(err)
	}
	cfg := p.Model.UNet
	images, err := jobs.LoadImageSource(s.images, "--images", s.data, cfg.ImageSize, cfg.InChannels)
	if err != nil {
		return asUsage(err)
	}
	val, err := jobs.LoadImageSource(s.val, "--val", s.data, cfg.ImageSize, cfg.InChannels)
	if err != nil {
		return asUsage(err)
	}
	if feature {
		fit := val
		if s.fit != "" {
			if fit, err = jobs.LoadImageSource(s.fit, "--fit", s.data, cfg.ImageSize, cfg.InChannels); err != nil {
				return asUsage(err)
			}
		}
		return runFeatureAnomaly(cmd, s, det, anomaly.FeatureOptions{Steps: steps, Seed: s.seed, Grid: s.grid}, images, val, fit, s.fit == "")
	}
	var partp *shard
	if sharded {
		partp = &part
	}
	total := images.X.Dim(0)
	lo, hi, err := spec.Span(total, partp)
	if err != nil {
		return asUsage(err)
	}
	th, err := spec.Thresholds(cmd.Context(), det, val)
	if err != nil {
		return err
	}
	t0 := time.Now()
	scores, rows, err := spec.Score(cmd.Context(), det, images, lo, hi, th)
	if err != nil {
		return err
	}
	took := time.Since(t0)
	if sharded {
		rec := jobs.AnomalyPart{Shard: part.I, Shards: part.N, First: lo, Count: hi - lo, Total: total,
			Chunk: s.chunk, Checkpoint: hash, Thresholds: th}
		if err := checkpoint.WriteJSON(s.out+partSuffix, rec); err != nil {
			return err
		}
	}
	if err := writeBytes(s.out, rows); err != nil {
		return err
	}
	log := cmd.OutOrStdout()
	report(log, hi-lo, val.X.Dim(0), s.quantile, scores, th)
	perImage(log, hi-lo, took)
	fmt.Fprintf(log, "wrote %s\n", s.out)
	return nil
}

// writeBytes writes b to path atomically (checkpoint.WriteAtomic).
func writeBytes(path string, b []byte) error {
	return checkpoint.WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// report prints the thresholds and how many images each score flags.
func report(log io.Writer, n, nVal int, q float64, s *anomaly.Scores, th anomaly.Thresholds) {
	count := func(v []float64, t float64) int {
		k := 0
		for _, x := range v {
			if x > t {
				k++
			}
		}
		return k
	}
	fmt.Fprintf(log, "thresholds (%g-quantile of %d validation images): recon %.5g, elbo %.5g bits/dim\n", q, nVal, th.Recon, th.ELBO)
	fmt.Fprintf(log, "flagged of %d images: %d by recon, %d by elbo\n", n, count(s.Recon, th.Recon), count(s.ELBO, th.ELBO))
}

// parseSigmas reads a comma-separated list of positive noise levels.
func parseSigmas(list string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(list, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, usagef("--sigmas: %q is not a positive number", f)
		}
		out = append(out, v)
	}
	return out, nil
}

// parseSteps reads a comma-separated list of time steps ≥ 0; the model's
// schedule bounds them when they are used.
func parseSteps(list string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(list, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 0 {
			return nil, usagef("--steps: %q is not a time step (an integer ≥ 0)", f)
		}
		out = append(out, v)
	}
	return out, nil
}

// perImage prints the wall time of scoring n images and per image.
func perImage(log io.Writer, n int, took time.Duration) {
	fmt.Fprintf(log, "scored %d images in %.2f s: %.1f ms per image\n", n, took.Seconds(), 1000*took.Seconds()/float64(n))
}
