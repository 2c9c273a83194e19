package main

import (
	"fmt"

	"github.com/diffusego/diffusego/baseline"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
)

// measureSuperRes reports x2 and x4 upsampling PSNR from area-downsampled images.
func measureSuperRes(eval *tensor.Tensor) error {
	fmt.Printf("## Super-resolution: mean PSNR (dB) over %d test images, low resolution by 2×2 / 4×4 area averaging\n\n", eval.Dim(0))
	fmt.Println("| factor | nearest | bilinear | bicubic (Keys a=−0.5) |")
	fmt.Println("|---|---|---|---|")
	for _, f := range []int{2, 4} {
		row := fmt.Sprintf("| x%d (28→%d→28) |", f, 28/f)
		for _, m := range []string{"nearest", "bilinear", "bicubic"} {
			_, up, err := restore.SuperResPair(eval, f, m)
			if err != nil {
				return err
			}
			row += fmt.Sprintf(" %.2f |", psnr(up, eval, nil))
		}
		fmt.Println(row)
	}
	fmt.Println()
	return nil
}

// measureInpaint reports mean and harmonic fill on the masked region.
func measureInpaint(eval *tensor.Tensor) error {
	fmt.Printf("## Inpainting: mean PSNR (dB) over %d test images on the unknown pixels (whole image in brackets); seam = mean |step| across the mask edge\n\n", eval.Dim(0))
	fmt.Println("| mask | unknown | mean fill | harmonic fill | seam: boundary mean abs. step, mean / harmonic / truth |")
	fmt.Println("|---|---|---|---|---|")
	box, _ := restore.CenterBox(28, 28, 0.5)
	masks := []struct {
		name string
		m    *restore.Mask
	}{{"centre box 14×14", box}}
	for _, side := range []string{"left", "right", "top", "bottom"} {
		m, _ := restore.Half(28, 28, side)
		masks = append(masks, struct {
			name string
			m    *restore.Mask
		}{side + " half", m})
	}
	hole := func(m *restore.Mask) []bool {
		h := make([]bool, len(m.Known))
		for i, k := range m.Known {
			h[i] = !k
		}
		return h
	}
	for _, c := range masks {
		mean, err := baseline.MeanFill(eval, c.m.Known)
		if err != nil {
			return err
		}
		harm, err := baseline.HarmonicFill(eval, c.m.Known, 1e-5, 5000)
		if err != nil {
			return err
		}
		sm, _ := restore.SeamScore(mean, c.m)
		sh, _ := restore.SeamScore(harm, c.m)
		st, _ := restore.SeamScore(eval, c.m)
		fmt.Printf("| %s | %.0f%% | %.2f (%.2f) | %.2f (%.2f) | %.3f / %.3f / %.3f |\n", c.name, 100*(1-c.m.KnownFraction()),
			psnr(mean, eval, hole(c.m)), psnr(mean, eval, nil), psnr(harm, eval, hole(c.m)), psnr(harm, eval, nil),
			sm.Boundary, sh.Boundary, st.Boundary)
	}
	fmt.Println()
	return nil
}

// baselineMean and baselineHarmonic fill the unknown pixels of m.
func baselineMean(x *tensor.Tensor, m *restore.Mask) (*tensor.Tensor, error) {
	return baseline.MeanFill(x, m.Known)
}

func baselineHarmonic(x *tensor.Tensor, m *restore.Mask) (*tensor.Tensor, error) {
	return baseline.HarmonicFill(x, m.Known, 1e-5, 5000)
}
