package metrics

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// PSNR is the peak signal-to-noise ratio of x against the reference ref in
// decibels, 10·log10(L² / MSE), with the mean squared error taken over
// every element of the two tensors at once (as skimage's
// peak_signal_noise_ratio does). dataRange is L, the span of possible
// values: 2 for images in [−1, 1]. Identical inputs give +Inf.
func PSNR(x, ref *tensor.Tensor, dataRange float64) (float64, error) {
	if err := checkPair("PSNR", x, ref, dataRange); err != nil {
		return 0, err
	}
	return psnr(x.Data, ref.Data, dataRange), nil
}

// PSNRPerImage is PSNR of each image along the leading axis of x and ref
// (N, …), so a batch can be averaged in decibels or inspected image by image.
func PSNRPerImage(x, ref *tensor.Tensor, dataRange float64) ([]float64, error) {
	if err := checkPair("PSNRPerImage", x, ref, dataRange); err != nil {
		return nil, err
	}
	n := 1
	if x.Rank() > 0 {
		n = x.Dim(0)
	}
	per := x.Len() / max(n, 1)
	out := make([]float64, n)
	for i := range out {
		out[i] = psnr(x.Data[i*per:(i+1)*per], ref.Data[i*per:(i+1)*per], dataRange)
	}
	return out, nil
}

func psnr(x, ref []float32, dataRange float64) float64 {
	var se float64
	for i, v := range x {
		d := float64(v) - float64(ref[i])
		se += d * d
	}
	mse := se / float64(len(x))
	return 10 * math.Log10(dataRange*dataRange/mse)
}

// checkPair checks that x and ref have one shape, hold at least one
// element, and that dataRange is a positive finite number.
func checkPair(op string, x, ref *tensor.Tensor, dataRange float64) error {
	if x == nil || ref == nil {
		return fmt.Errorf("metrics: %s: nil tensor", op)
	}
	if !tensor.SameShape(x.Shape, ref.Shape) {
		return fmt.Errorf("metrics: %s: shapes %s and %s differ", op, tensor.FormatShape(x.Shape), tensor.FormatShape(ref.Shape))
	}
	if x.Len() == 0 {
		return fmt.Errorf("metrics: %s: empty tensors %s", op, tensor.FormatShape(x.Shape))
	}
	if !(dataRange > 0) || math.IsInf(dataRange, 0) {
		return fmt.Errorf("metrics: %s: data range %v, want a positive finite number (2 for [-1, 1])", op, dataRange)
	}
	return nil
}
