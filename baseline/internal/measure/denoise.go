package main

import (
	"fmt"
	"math"
	"time"

	"github.com/diffusego/diffusego/baseline"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
)

var sigmas = []float64{0.1, 0.2, 0.4}

// nlmStage2 returns the patch/search settings tried at the chosen h.
var nlmStage2 func(hf float64) []method

// nlmH is the grid of NLM filtering parameters, in units of σ.
var nlmH = []float64{0.4, 0.6, 0.8, 1.0, 1.3, 1.6, 2.0, 2.5, 3.2}

// measureSigma reports the MAD noise estimate on noisy test images.
func measureSigma(eval *tensor.Tensor) {
	fmt.Println("## Noise estimate (restore.EstimateSigma, Haar-diagonal MAD over the flattest half of the 2×2 blocks), per image")
	fmt.Println("| σ | mean estimate | mean abs. relative error | max abs. relative error | pooled over the batch |")
	fmt.Println("|---|---|---|---|---|")
	for _, s := range sigmas {
		y := noisy(eval, s, 11)
		est, _ := restore.EstimateSigma(y)
		pooled, _ := restore.EstimateSigmaPooled(y)
		mean, mae, worst := 0.0, 0.0, 0.0
		for _, e := range est {
			mean += e / float64(len(est))
			r := math.Abs(e/s - 1)
			mae += r / float64(len(est))
			worst = max(worst, r)
		}
		fmt.Printf("| %.1f | %.4f | %.1f%% | %.1f%% | %.4f |\n", s, mean, 100*mae, 100*worst, pooled)
	}
	fmt.Println()
}

// method is a denoiser with one parameter setting, for the grid search.
type method struct {
	name string
	run  func(y *tensor.Tensor, sigma float64) (*tensor.Tensor, error)
}

func grid(sigma float64) map[string][]method {
	g := map[string][]method{}
	for _, b := range []float64{0.3, 0.4, 0.5, 0.7, 0.9, 1.1, 1.4, 1.8} {
		g["gaussian blur"] = append(g["gaussian blur"], method{fmt.Sprintf("σ_blur=%.1f", b),
			func(y *tensor.Tensor, _ float64) (*tensor.Tensor, error) { return baseline.GaussianBlur(y, b) }})
	}
	for _, k := range []int{3, 5} {
		g["median"] = append(g["median"], method{fmt.Sprintf("%d×%d", k, k),
			func(y *tensor.Tensor, _ float64) (*tensor.Tensor, error) { return baseline.Median(y, k) }})
	}
	nlm := func(patch, search int, hf float64) method {
		m := baseline.NLMeans{Patch: patch, Search: search, H: hf * sigma, Sigma: sigma}
		return method{fmt.Sprintf("patch %d, search %d, h=%.1fσ", patch, search, hf),
			func(y *tensor.Tensor, _ float64) (*tensor.Tensor, error) { return m.Apply(y) }}
	}
	// non-local means: h first at patch 7 / search 11, then patch and
	// search at the best h (a coordinate search; the full grid is 4× dearer)
	for _, hf := range nlmH {
		g["non-local means"] = append(g["non-local means"], nlm(7, 11, hf))
	}
	nlmStage2 = func(hf float64) []method { return []method{nlm(5, 11, hf), nlm(7, 21, hf), nlm(5, 21, hf)} }
	return g
}

// measureDenoise picks each baseline's parameter by PSNR on valid and
// reports PSNR on eval.
func measureDenoise(eval, valid *tensor.Tensor) error {
	fmt.Printf("## Denoising: mean PSNR (dB) over %d test images, y = x + σz unclipped, output clipped to [−1, 1]\n", eval.Dim(0))
	fmt.Printf("Parameters chosen by mean PSNR on %d separate validation images with their own noise.\n\n", valid.Dim(0))
	fmt.Println("| method | σ | PSNR | SSIM | chosen parameter |")
	fmt.Println("|---|---|---|---|---|")
	for _, s := range sigmas {
		y, yv := noisy(eval, s, 21), noisy(valid, s, 22)
		fmt.Printf("| noisy input | %.1f | %.2f | %.4f | |\n", s, psnr(y, eval, nil), ssim(y, eval))
		g := grid(s)
		for _, name := range []string{"gaussian blur", "median", "non-local means"} {
			t0 := time.Now()
			cands := g[name]
			best, bestP := -1, math.Inf(-1)
			for i := 0; i < len(cands); i++ {
				out, err := cands[i].run(yv, s)
				if err != nil {
					return err
				}
				if p := psnr(out, valid, nil); p > bestP {
					best, bestP = i, p
				}
				if name == "non-local means" && i == len(g[name])-1 { // stage 2 at the chosen h
					cands = append(cands[:len(cands):len(cands)], nlmStage2(nlmH[best])...)
				}
			}
			g[name] = cands
			out, err := g[name][best].run(y, s)
			if err != nil {
				return err
			}
			fmt.Printf("| %s | %.1f | %.2f | %.4f | %s (val %.2f; %.0fs) |\n", name, s, psnr(out, eval, nil), ssim(out, eval), g[name][best].name, bestP, time.Since(t0).Seconds())
		}
	}
	fmt.Println()
	return nil
}
