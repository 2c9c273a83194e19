package optim

import (
	"fmt"
	"math"
)

// Schedule gives the learning rate for an optimiser step, counted from 0
// (the first Step is step 0).
type Schedule interface {
	LR(step int) float64
}

// Constant is the same learning rate at every step.
type Constant struct {
	Rate float64
}

// LR returns c.Rate.
func (c Constant) LR(int) float64 { return c.Rate }

// LinearWarmup rises linearly from 0 to Peak over the first Warmup steps
// and then stays at Peak: LR(step) = Peak·min(1, step/Warmup), the
// convention of diffusers' get_constant_schedule_with_warmup (step 0 has
// rate 0). Warmup ≤ 0 means no warm-up.
type LinearWarmup struct {
	Peak   float64
	Warmup int
}

// LR returns the rate at step.
func (s LinearWarmup) LR(step int) float64 { return s.Peak * warmupFactor(step, s.Warmup) }

// WarmupCosine warms up linearly as LinearWarmup, then decays from Peak to
// Floor along half a cosine, reaching Floor at step Total and staying
// there:
//
//	progress = (step − Warmup)/(Total − Warmup)
//	LR = Floor + (Peak − Floor)·(1 + cos(π·progress))/2
//
// With Floor 0 this is diffusers' get_cosine_schedule_with_warmup.
type WarmupCosine struct {
	Peak, Floor   float64
	Warmup, Total int
}

// LR returns the rate at step.
func (s WarmupCosine) LR(step int) float64 {
	if step < s.Warmup {
		return s.Peak * warmupFactor(step, s.Warmup)
	}
	span := s.Total - s.Warmup
	if span <= 0 {
		return s.Floor
	}
	progress := math.Min(1, float64(step-s.Warmup)/float64(span))
	return s.Floor + (s.Peak-s.Floor)*0.5*(1+math.Cos(math.Pi*progress))
}

// warmupFactor is min(1, step/warmup), 1 when warmup ≤ 0.
func warmupFactor(step, warmup int) float64 {
	if warmup <= 0 || step >= warmup {
		return 1
	}
	if step < 0 {
		return 0
	}
	return float64(step) / float64(warmup)
}

// ParseSchedule builds a schedule from its name, as a flag or config
// gives it: "constant", "linear-warmup" (alias "warmup") or "cosine"
// (alias "warmup-cosine"), with peak rate peak, warm-up steps warmup,
// total steps total and, for cosine, the final rate floor.
func ParseSchedule(name string, peak, floor float64, warmup, total int) (Schedule, error) {
	switch name {
	case "constant":
		return Constant{Rate: peak}, nil
	case "linear-warmup", "warmup":
		return LinearWarmup{Peak: peak, Warmup: warmup}, nil
	case "cosine", "warmup-cosine":
		if total <= warmup {
			return nil, fmt.Errorf("optim: schedule %q: total steps %d must exceed warm-up steps %d", name, total, warmup)
		}
		return WarmupCosine{Peak: peak, Floor: floor, Warmup: warmup, Total: total}, nil
	}
	return nil, fmt.Errorf("optim: unknown schedule %q, want constant, linear-warmup or cosine", name)
}
