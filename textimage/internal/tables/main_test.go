package main

import (
	"math"
	"testing"
)

// TestPairedCI checks the margin and its interval against a hand
// computation: differences (1, 1, 0, 0) have mean 0.5 and sample
// standard deviation √(1/3), so the half-width is 1.96·√(1/3)/2.
func TestPairedCI(t *testing.T) {
	m, lo, hi := pairedCI([]bool{true, true, false, true}, []bool{false, false, false, true})
	half := 1.96 * math.Sqrt(1.0/3) / 2
	if math.Abs(m-0.5) > 1e-12 || math.Abs(lo-(0.5-half)) > 1e-12 || math.Abs(hi-(0.5+half)) > 1e-12 {
		t.Errorf("pairedCI = %.4f [%.4f, %.4f], want 0.5 [%.4f, %.4f]", m, lo, hi, 0.5-half, 0.5+half)
	}
	if m, lo, hi := pairedCI([]bool{true, false}, []bool{true, false}); m != 0 || lo != 0 || hi != 0 {
		t.Errorf("equal outcomes: %v [%v, %v], want 0 [0, 0]", m, lo, hi)
	}
	if got := mean([]bool{true, false, false, false}); got != 0.25 {
		t.Errorf("mean = %v, want 0.25", got)
	}
}
