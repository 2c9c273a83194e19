// Command measure scores the classical baselines on Fashion-MNIST: the
// numbers diffusego's denoising, inpainting, super-resolution and anomaly
// detection are compared against. Run from the repository root:
//
//	go run ./baseline/internal/measure -data /usr/share/datasets/fashion-mnist
//
// Evaluation uses test images [0, n); parameters are chosen on the
// separate validation slice [n, n+val) of the test set. Noise is seeded,
// so the numbers are reproducible bit for bit on one machine.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tensor"
)

func main() {
	dir := flag.String("data", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST directory")
	n := flag.Int("n", 1000, "evaluation images (test set [0, n))")
	val := flag.Int("val", 200, "validation images (test set [n, n+val))")
	classes := flag.String("classes", "0,1,2,3,4,5,6,7,8,9", "one-class anomaly classes")
	parts := flag.String("parts", "sigma,denoise,superres,inpaint,anomaly", "what to measure (also: diffusion, with -checkpoint)")
	ckpt := flag.String("checkpoint", "", "a diffusego image checkpoint for the diffusion part")
	sdedit := flag.Bool("sdedit", true, "diffusion part: also denoise by averaging 4 SDEdit samples of 10 steps (40 network calls per image)")
	flag.Parse()
	if err := run(*dir, *n, *val, *classes, *parts, *ckpt, *sdedit); err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
}

func run(dir string, n, val int, classList, parts, ckpt string, sdedit bool) error {
	test, labels, err := data.LoadFashionMNIST(dir, "test")
	if err != nil {
		return err
	}
	if n+val > test.Dim(0) {
		return fmt.Errorf("n %d + val %d exceed the %d test images", n, val, test.Dim(0))
	}
	eval, valid := rowsOf(test, 0, n), rowsOf(test, n, n+val)
	want := map[string]bool{}
	for _, p := range strings.Split(parts, ",") {
		want[p] = true
	}
	start := time.Now()
	if want["sigma"] {
		measureSigma(eval)
	}
	if want["denoise"] {
		if err := measureDenoise(eval, valid); err != nil {
			return err
		}
	}
	if want["superres"] {
		if err := measureSuperRes(eval); err != nil {
			return err
		}
	}
	if want["inpaint"] {
		if err := measureInpaint(eval); err != nil {
			return err
		}
	}
	if want["diffusion"] {
		if err := measureDiffusion(ckpt, sdedit, eval, rowsOf(test, n+val, min(n+val+2000, test.Dim(0)))); err != nil {
			return err
		}
	}
	if want["anomaly"] {
		train, trainLabels, err := data.LoadFashionMNIST(dir, "train")
		if err != nil {
			return err
		}
		var cs []int
		for _, f := range strings.Split(classList, ",") {
			c, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || c < 0 || c > 9 {
				return fmt.Errorf("-classes: %q is not a class 0…9", f)
			}
			cs = append(cs, c)
		}
		if err := measureAnomaly(train, trainLabels, test, labels, cs); err != nil {
			return err
		}
	}
	fmt.Printf("\ntotal %.1fs\n", time.Since(start).Seconds())
	return nil
}

// rowsOf copies images [lo, hi) of x: (N, C, H, W).
func rowsOf(x *tensor.Tensor, lo, hi int) *tensor.Tensor {
	per := x.Len() / x.Dim(0)
	out := tensor.New(append([]int{hi - lo}, x.Shape[1:]...)...)
	copy(out.Data, x.Data[lo*per:hi*per])
	return out
}

// noisy returns x + σ·z with z from seed, not clipped.
func noisy(x *tensor.Tensor, sigma float64, seed uint64) *tensor.Tensor {
	y := x.Clone()
	rng := tensor.NewRNG(seed)
	for i := range y.Data {
		y.Data[i] += float32(sigma * rng.Normal())
	}
	return y
}
