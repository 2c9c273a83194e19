package main

import (
	"fmt"
	"github.com/diffusego/diffusego/jobs"
	"time"

	"github.com/diffusego/diffusego/anomaly"
	"github.com/diffusego/diffusego/restore"
	"github.com/spf13/cobra"
)

// runFeatureAnomaly scores images with the feature scores of the
// denoiser (anomaly.Features): it fits the reference on fit (the --val
// images themselves when valIsFit, scored leave-one-out), standardises
// the parts of feat_ens and picks the threshold of --score on val, and
// writes the CSV.
func runFeatureAnomaly(cmd *cobra.Command, s anomalySettings, det *anomaly.Detector, opt anomaly.FeatureOptions,
	images, val, fit *jobs.ImageSet, valIsFit bool) error {
	if n := fit.X.Dim(0); s.k >= n {
		return usagef("--k %d: the reference has %d images (--fit, or --val without it): want k < %d", s.k, n, n)
	}
	T := det.Pipeline.Schedule.Steps()
	for _, t := range opt.Steps {
		if t >= T {
			return usagef("--steps: step %d: the model's schedule has steps 0 … %d", t, T-1)
		}
	}
	ff, err := det.Features(fit.X, opt)
	if err != nil {
		return fmt.Errorf("--fit: %w", err)
	}
	ref, err := anomaly.FitReference(ff, s.k)
	if err != nil {
		return err
	}
	vf := ff
	if !valIsFit {
		if vf, err = det.Features(val.X, opt); err != nil {
			return fmt.Errorf("--val: %w", err)
		}
	}
	if err := ref.Calibrate(vf, valIsFit); err != nil {
		return fmt.Errorf("--val: %w", err)
	}
	vs, err := ref.Score(vf, valIsFit)
	if err != nil {
		return fmt.Errorf("--val: %w", err)
	}
	th, err := restore.QuantileThreshold(vs[s.score], s.quantile)
	if err != nil {
		return err
	}
	t0 := time.Now()
	f, err := det.Features(images.X, opt)
	if err != nil {
		return fmt.Errorf("--images: %w", err)
	}
	scores, err := ref.Score(f, false)
	if err != nil {
		return fmt.Errorf("--images: %w", err)
	}
	took := time.Since(t0)
	if err := anomaly.WriteFeatureCSV(s.out, images.Names, images.Labels, scores, s.score, th); err != nil {
		return err
	}
	log := cmd.OutOrStdout()
	flagged := 0
	for _, v := range scores[s.score] {
		if v > th {
			flagged++
		}
	}
	fmt.Fprintf(log, "threshold of %s (%g-quantile of %d validation images): %.5g\n", s.score, s.quantile, val.X.Dim(0), th)
	fmt.Fprintf(log, "flagged %d of %d images\n", flagged, images.X.Dim(0))
	perImage(log, images.X.Dim(0), took)
	fmt.Fprintf(log, "wrote %s\n", s.out)
	return nil
}
