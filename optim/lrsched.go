package optim

import (
	"fmt"
	"math"
)

// Schedule gives the learning rate at a step (counted from 0).
type Schedule interface {
	LR(step int) float64
}

// Constant is a fixed learning rate.
type Constant struct{ Base float64 }

// LR returns Base.
func (c Constant) LR(int) float64 { return c.Base }

// LinearWarmup rises linearly from Base/Warmup at step 0 to Base at step
// Warmup−1, then stays at Base (the DDPM recipe's warm-up).
type LinearWarmup struct {
	Base   float64
	Warmup int
}

// LR returns Base·min(1, (step+1)/Warmup).
func (w LinearWarmup) LR(step int) float64 {
	if w.Warmup <= 0 || step+1 >= w.Warmup {
		return w.Base
	}
	return w.Base * float64(step+1) / float64(w.Warmup)
}

// WarmupCosine warms up linearly over Warmup steps, then decays along half
// a cosine from Base to Floor at step Total (and stays at Floor after).
type WarmupCosine struct {
	Base, Floor   float64
	Warmup, Total int
}

// LR returns the rate at step.
func (c WarmupCosine) LR(step int) float64 {
	if step < c.Warmup {
		return LinearWarmup{Base: c.Base, Warmup: c.Warmup}.LR(step)
	}
	span := c.Total - c.Warmup
	if span <= 0 || step >= c.Total {
		return c.Floor
	}
	frac := float64(step-c.Warmup) / float64(span)
	return c.Floor + (c.Base-c.Floor)*0.5*(1+math.Cos(math.Pi*frac))
}

// ParseSchedule builds a schedule by name: "constant", "warmup" (linear
// warm-up then constant) or "cosine" (warm-up then cosine decay to
// floor at total steps).
func ParseSchedule(name string, base, floor float64, warmup, total int) (Schedule, error) {
	switch name {
	case "constant", "":
		return Constant{Base: base}, nil
	case "warmup":
		return LinearWarmup{Base: base, Warmup: warmup}, nil
	case "cosine":
		return WarmupCosine{Base: base, Floor: floor, Warmup: warmup, Total: total}, nil
	}
	return nil, fmt.Errorf("learning-rate schedule %q: want constant, warmup or cosine", name)
}
