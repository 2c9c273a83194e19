package distill

import (
	"fmt"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tensor"
)

// TeacherTarget returns x̃, the prediction that makes one student DDIM step
// from teacherSigmas[m·k] to teacherSigmas[m·(k+1)] land where m
// deterministic DDIM steps of teacher take x: (N, …), which must be at
// noise level teacherSigmas[m·k]. With r = σ_{k+1}/σ_k,
//
//	x̃ = (x'' − r·x)/(1 − r)
//
// (Salimans & Ho 2022, Algorithm 2). For m = 1 that is the teacher's own
// prediction, returned as it is.
func TeacherTarget(teacher sampler.Denoiser, x *tensor.Tensor, teacherSigmas []float64, k, m int) (*tensor.Tensor, error) {
	if m < 1 {
		return nil, fmt.Errorf("distill: teacher steps per student step: want ≥ 1, got %d", m)
	}
	first, last := m*k, m*(k+1)
	if k < 0 || last >= len(teacherSigmas) {
		return nil, fmt.Errorf("distill: student step %d of %d teacher levels with %d teacher steps per student step", k, len(teacherSigmas), m)
	}
	if m == 1 {
		return teacher.Denoise(x, teacherSigmas[first])
	}
	xx := x
	for i := first; i < last; i++ {
		var err error
		if xx, err = (sampler.DDIM{}).Step(teacher, xx, teacherSigmas, i, nil); err != nil {
			return nil, fmt.Errorf("distill: teacher: %w", err)
		}
	}
	r := teacherSigmas[last] / teacherSigmas[first]
	out := tensor.New(x.Shape...)
	for i := range out.Data {
		out.Data[i] = float32((float64(xx.Data[i]) - r*float64(x.Data[i])) / (1 - r))
	}
	return out, nil
}
