package schedule

import (
	"fmt"
	"math"
)

// Spacing picks which of the T training steps a sampler with n steps visits,
// as diffusers' timestep_spacing (Lin et al. 2024, table 2).
type Spacing string

// The spacings of diffusers' timestep_spacing.
const (
	Leading  Spacing = "leading"  // (n−1−i)·⌊T/n⌋: starts below T−1
	Trailing Spacing = "trailing" // round(T − i·T/n) − 1: starts at T−1
	Linspace Spacing = "linspace" // round(linspace(0, T−1, n)), reversed
)

// Timesteps returns the n training steps a sampler visits, descending, for
// T training steps and the given spacing. Rounding is half to even, as
// numpy's. For T = 1000, n = 10: leading [900 800 … 0], trailing
// [999 899 … 99], linspace [999 888 … 0].
func Timesteps(T, n int, spacing Spacing) ([]int, error) {
	if n < 1 || n > T {
		return nil, fmt.Errorf("timesteps: want 1 ≤ n ≤ T = %d, got n = %d", T, n)
	}
	out := make([]int, n)
	switch spacing {
	case Leading:
		ratio := T / n
		for i := range out {
			out[i] = (n - 1 - i) * ratio
		}
	case Trailing:
		ratio := float64(T) / float64(n)
		for i := range out {
			out[i] = int(math.RoundToEven(float64(T)-float64(i)*ratio)) - 1
		}
	case Linspace:
		ls := linspaceSteps(T, n)
		for i := range out {
			out[i] = ls[n-1-i]
		}
	default:
		return nil, fmt.Errorf("timesteps: unknown spacing %q: want leading, trailing or linspace", spacing)
	}
	return out, nil
}

// linspaceSteps is round(linspace(0, T−1, n)) ascending, rounding half to even.
func linspaceSteps(T, n int) []int {
	ls := make([]int, n)
	for i, v := range numpyLinspace(0, float64(T-1), n) {
		ls[i] = int(math.RoundToEven(v))
	}
	return ls
}

// numpyLinspace is numpy.linspace: start + i·step, with the end exact.
func numpyLinspace(start, end float64, n int) []float64 {
	out := make([]float64, n)
	if n == 1 {
		out[0] = start
		return out
	}
	step := (end - start) / float64(n-1)
	for i := range out {
		out[i] = start + float64(i)*step
	}
	out[n-1] = end
	return out
}
