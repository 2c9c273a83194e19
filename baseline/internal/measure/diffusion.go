package main

import (
	"context"
	"fmt"
	"time"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/metrics"
	"github.com/diffusego/diffusego/models/classifier"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
)

// ssim is the mean SSIM of est (clipped to [−1, 1]) against ref.
func ssim(est, ref *tensor.Tensor) float64 {
	c := est.Clone()
	for i, v := range c.Data {
		c.Data[i] = min(max(v, -1), 1)
	}
	s, err := metrics.SSIM(c, ref, 2)
	if err != nil {
		panic(err) // same shapes by construction
	}
	return s
}

// measureDiffusion scores the diffusion model of checkpoint on the same
// noisy images and masks as the baselines: denoising one-shot (the
// model's posterior mean at σ, one network call) and by averaging reverse
// -process samples started at σ (SDEdit, unless sdedit is false), and
// RePaint inpainting.
func measureDiffusion(ckpt string, sdedit bool, eval, real *tensor.Tensor) error {
	p, err := pipeline.Load(ckpt, true)
	if err != nil {
		return err
	}
	ctx := context.Background()
	d := p.Denoiser(nil) // unconditional: the null class
	fmt.Printf("## Diffusion model %s on %d test images\n\n", ckpt, eval.Dim(0))
	fmt.Println("| task | σ / mask | method | PSNR | SSIM | seconds |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, s := range sigmas {
		y := noisy(eval, s, 21)
		fmt.Printf("| denoise | %.1f | noisy input | %.2f | %.4f | |\n", s, psnr(y, eval, nil), ssim(y, eval))
		t0 := time.Now()
		one, err := restore.Denoise(ctx, d, y, s, restore.DenoiseOptions{OneShot: true})
		if err != nil {
			return err
		}
		fmt.Printf("| denoise | %.1f | diffusego one-shot (posterior mean) | %.2f | %.4f | %.0f |\n", s, psnr(one, eval, nil), ssim(one, eval), time.Since(t0).Seconds())
		if !sdedit {
			continue
		}
		t0 = time.Now()
		avg, err := restore.Denoise(ctx, d, y, s, restore.DenoiseOptions{Sampler: sampler.DDPM{}, Steps: 10,
			SigmaMin: p.Schedule.Sigma(0), Samples: 4, Seed: 1})
		if err != nil {
			return err
		}
		fmt.Printf("| denoise | %.1f | diffusego SDEdit, mean of 4 samples × 10 steps | %.2f | %.4f | %.0f |\n", s, psnr(avg, eval, nil), ssim(avg, eval), time.Since(t0).Seconds())
	}
	clf, err := classifier.LoadFashionMNIST()
	if err != nil {
		return err
	}
	realFeats := clf.Embed(real)
	box, _ := restore.CenterBox(28, 28, 0.5)
	left, _ := restore.Half(28, 28, "left")
	for _, c := range []struct {
		name string
		m    *restore.Mask
	}{{"centre box 14×14", box}, {"left half", left}} {
		hole := make([]bool, len(c.m.Known))
		for i, k := range c.m.Known {
			hole[i] = !k
		}
		t0 := time.Now()
		out, err := restore.Inpaint(ctx, d, eval, c.m, restore.InpaintOptions{Sampler: sampler.DDPM{}, Steps: 20,
			JumpLength: 5, Resamplings: 2, SigmaMax: 80, SigmaMin: p.Schedule.Sigma(0), Seed: 1})
		if err != nil {
			return err
		}
		secs := time.Since(t0).Seconds()
		mean, _ := baselineMean(eval, c.m)
		harm, _ := baselineHarmonic(eval, c.m)
		for _, r := range []struct {
			name string
			x    *tensor.Tensor
		}{{"mean fill", mean}, {"harmonic fill", harm}, {"diffusego RePaint (20 steps, jump 5, 2 resamplings)", out}} {
			fd, err := metrics.FrechetDistance(clf.Embed(r.x), realFeats)
			if err != nil {
				return err
			}
			seam, _ := restore.SeamScore(r.x, c.m)
			extra := ""
			if r.x == out {
				extra = fmt.Sprintf("%.0f", secs)
			}
			fmt.Printf("| inpaint | %s | %s | %.2f (hole) | %.4f (image) | %s | FD %.1f, seam %.3f |\n", c.name, r.name,
				psnr(r.x, eval, hole), ssim(r.x, eval), extra, fd, seam.Boundary)
		}
	}
	fd, _ := metrics.FrechetDistance(clf.Embed(eval), realFeats)
	seam, _ := restore.SeamScore(eval, box)
	fmt.Printf("\nReal-vs-real FD at this count (the evaluated originals against the other real images): %.1f; seam of the originals on the box: %.3f\n\n", fd, seam.Boundary)
	return nil
}
