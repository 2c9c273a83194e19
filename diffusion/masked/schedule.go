package masked

import (
	"fmt"
	"math"
)

// Schedule gives α_t, the probability that a token is still clean at time
// t ∈ [0, 1] (α_0 = 1, α_1 ≈ 0, decreasing), and the weight −α'_t/(1−α_t)
// of the continuous-time NELBO (Sahoo et al. 2024; Shi et al. 2024).
type Schedule interface {
	Alpha(t float64) float64  // α_t
	Weight(t float64) float64 // −α'_t/(1−α_t) ≥ 0
}

// Linear is α_t = 1 − t, the project's default (MDLM's training recipe):
// a token is masked with probability t, and the weight is 1/t.
type Linear struct{}

// Alpha is 1 − t.
func (Linear) Alpha(t float64) float64 { return 1 - t }

// Weight is 1/t (α'_t = −1).
func (Linear) Weight(t float64) float64 { return 1 / t }

// LogLinear is MDLM's "loglinear" noise: total noise σ(t) = −log(1 − (1−ε)t),
// so α_t = e^{−σ(t)} = 1 − (1−ε)t never quite reaches 0 (Sahoo et al.
// 2024). Its weight is again 1/t: the ε only keeps σ(1) finite.
type LogLinear struct {
	Eps float64 // ε; 0 means 1e-3, MDLM's default
}

func (s LogLinear) eps() float64 {
	if s.Eps == 0 {
		return 1e-3
	}
	return s.Eps
}

// Alpha is 1 − (1−ε)t.
func (s LogLinear) Alpha(t float64) float64 { return 1 - (1-s.eps())*t }

// Weight is (1−ε)/((1−ε)t) = 1/t.
func (s LogLinear) Weight(t float64) float64 { return 1 / t }

// Cosine is MD4's cosine schedule α_t = 1 − cos(π(1−t)/2) (Shi et al. 2024), which masks more slowly near t = 0 than Linear. Its weight is
// −α'_t/(1−α_t) = (π/2)·tan(π(1−t)/2).
type Cosine struct{}

// Alpha is 1 − cos(π(1−t)/2).
func (Cosine) Alpha(t float64) float64 { return 1 - math.Cos(math.Pi/2*(1-t)) }

// Weight is (π/2)·tan(π(1−t)/2).
func (Cosine) Weight(t float64) float64 { return math.Pi / 2 * math.Tan(math.Pi/2*(1-t)) }

// ScheduleByName returns "linear" (the default, also for ""), "loglinear"
// or "cosine".
func ScheduleByName(name string) (Schedule, error) {
	switch name {
	case "", "linear":
		return Linear{}, nil
	case "loglinear":
		return LogLinear{}, nil
	case "cosine":
		return Cosine{}, nil
	}
	return nil, fmt.Errorf("masked: schedule %q: want linear, loglinear or cosine", name)
}
