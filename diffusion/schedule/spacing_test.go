package schedule

import (
	"slices"
	"testing"
)

// The expected lists are diffusers' (DDIMScheduler.set_timesteps with
// steps_offset 0), as in Lin et al. (2024), table 2, and recomputed with numpy.
func TestTimesteps(t *testing.T) {
	for _, tc := range []struct {
		T, n    int
		spacing Spacing
		want    []int
	}{
		{1000, 10, Leading, []int{900, 800, 700, 600, 500, 400, 300, 200, 100, 0}},
		{1000, 10, Trailing, []int{999, 899, 799, 699, 599, 499, 399, 299, 199, 99}},
		{1000, 10, Linspace, []int{999, 888, 777, 666, 555, 444, 333, 222, 111, 0}},
		{1000, 3, Leading, []int{666, 333, 0}},
		{1000, 3, Trailing, []int{999, 666, 332}},    // round(1000, 666.67, 333.33) − 1
		{1000, 3, Linspace, []int{999, 500, 0}},      // 499.5 rounds to even 500
		{10, 4, Linspace, []int{9, 6, 3, 0}},         // linspace(0, 9, 4)
		{7, 7, Trailing, []int{6, 5, 4, 3, 2, 1, 0}}, // every step
	} {
		got, err := Timesteps(tc.T, tc.n, tc.spacing)
		if err != nil {
			t.Fatalf("Timesteps(%d, %d, %s) error = %v", tc.T, tc.n, tc.spacing, err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Timesteps(%d, %d, %s) = %v, want %v", tc.T, tc.n, tc.spacing, got, tc.want)
		}
	}
	for _, tc := range []struct {
		n       int
		spacing Spacing
	}{{0, Leading}, {1001, Trailing}, {10, "karras"}} {
		if _, err := Timesteps(1000, tc.n, tc.spacing); err == nil {
			t.Errorf("Timesteps(1000, %d, %q) error = nil, want an error", tc.n, tc.spacing)
		}
	}
}
