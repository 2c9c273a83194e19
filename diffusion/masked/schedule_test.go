package masked

import (
	"math"
	"testing"
)

// The weight of each schedule is −α'_t/(1−α_t), checked against central
// differences of α, and α runs from 1 (clean) at t = 0 to about 0 at t = 1.
func TestScheduleWeightIsMinusAlphaPrimeOverOneMinusAlpha(t *testing.T) {
	for _, c := range []struct {
		name   string
		s      Schedule
		alpha1 float64
	}{
		{"linear", Linear{}, 0},
		{"loglinear", LogLinear{}, 1e-3},
		{"loglinear eps 0.1", LogLinear{Eps: 0.1}, 0.1},
		{"cosine", Cosine{}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.s.Alpha(0); math.Abs(got-1) > 1e-15 {
				t.Errorf("Alpha(0) = %v, want 1", got)
			}
			if got := c.s.Alpha(1); math.Abs(got-c.alpha1) > 1e-15 {
				t.Errorf("Alpha(1) = %v, want %v", got, c.alpha1)
			}
			for _, tt := range []float64{0.01, 0.2, 0.5, 0.77, 0.99} {
				const h = 1e-6
				da := (c.s.Alpha(tt+h) - c.s.Alpha(tt-h)) / (2 * h)
				want := -da / (1 - c.s.Alpha(tt))
				if got := c.s.Weight(tt); math.Abs(got-want) > 1e-6*math.Max(1, want) {
					t.Errorf("Weight(%v) = %.9g, want −α'/(1−α) = %.9g", tt, got, want)
				}
				if c.s.Alpha(tt) >= c.s.Alpha(tt-0.005) {
					t.Errorf("Alpha not decreasing at %v", tt)
				}
			}
		})
	}
}

func TestScheduleByName(t *testing.T) {
	for name, want := range map[string]Schedule{"": Linear{}, "linear": Linear{}, "loglinear": LogLinear{}, "cosine": Cosine{}} {
		got, err := ScheduleByName(name)
		if err != nil || got != want {
			t.Errorf("ScheduleByName(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
	if _, err := ScheduleByName("geometric"); err == nil {
		t.Error("ScheduleByName(geometric): no error")
	}
}
