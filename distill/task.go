package distill

import (
	"fmt"
	"math"
	"slices"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// Task is one distillation round as a train.Task: at every step a batch of
// training images x₀ (with labels), a student grid index k per image drawn
// uniformly, x = x₀ + σ_k·ε, the teacher's target x̃ (TeacherTarget), and
// the student's squared error in its Target's parameterisation against x̃
// (v for students; see the package comment).
type Task struct {
	Student  train.Network     // the network being fitted
	Schedule schedule.Schedule // the student's discrete VP schedule (σ ↔ t)
	Target   diffusion.Target  // what Student predicts; V for students
	// Teacher returns the teacher as a denoiser for images with the given
	// labels (nil when unconditional): the guided model in round 0, the
	// previous student after.
	Teacher func(labels []int) sampler.Denoiser
	Sigmas  []float64 // the teacher's levels: TeacherGrid
	PerStep int       // teacher steps per student step: 1 or 2
	Data    *train.Batches
	// Conditional passes the batch's labels to the student and the
	// teacher; false passes nil.
	Conditional bool

	timestep *diffusion.VPDenoiser // σ → fractional training step, as sampling computes it
}

// Validate checks the task's fields.
func (t *Task) Validate() error {
	switch {
	case t.Student == nil || t.Schedule == nil || t.Teacher == nil || t.Data == nil:
		return fmt.Errorf("distill: task: want a student, a schedule, a teacher and data")
	case t.PerStep < 1:
		return fmt.Errorf("distill: task: teacher steps per student step: want ≥ 1, got %d", t.PerStep)
	case len(t.Sigmas) < t.PerStep+1 || (len(t.Sigmas)-1)%t.PerStep != 0:
		return fmt.Errorf("distill: task: %d teacher levels: want a multiple of %d steps plus the final 0", len(t.Sigmas), t.PerStep)
	case t.Sigmas[len(t.Sigmas)-1] != 0:
		return fmt.Errorf("distill: task: the teacher's levels must end at 0")
	}
	switch t.Target {
	case diffusion.Eps, diffusion.X0, diffusion.V:
	default:
		return fmt.Errorf("distill: task: target %q: want eps, x0 or v", t.Target)
	}
	return nil
}

// StudentSteps is the number of steps of the student's grid.
func (t *Task) StudentSteps() int { return (len(t.Sigmas) - 1) / t.PerStep }

// Params returns the student's parameters.
func (t *Task) Params() []*nn.Param { return t.Student.Params() }

// PerEpoch is the number of batches in one pass over the data.
func (t *Task) PerEpoch() int { return t.Data.PerEpoch() }

// Items is the batch size.
func (t *Task) Items() int { return t.Data.Size }

// Loss records the student's loss at step on g. The batch is step's;
// grid indices and noise come from rng, so the step replays exactly.
func (t *Task) Loss(g *autograd.Graph, step int, rng *tensor.RNG) (*autograd.Var, int, error) {
	if t.timestep == nil {
		if err := t.Validate(); err != nil {
			return nil, 0, err
		}
		t.timestep = &diffusion.VPDenoiser{Schedule: t.Schedule}
	}
	x0, y, epoch, err := t.Data.Batch(step)
	if err != nil {
		return nil, 0, err
	}
	if !t.Conditional {
		y = nil
	}
	n := x0.Dim(0)
	per := x0.Len() / n
	ks := make([]int, n)
	for i := range ks {
		ks[i] = rng.Intn(t.StudentSteps())
	}
	eps := tensor.New(x0.Shape...)
	rng.FillNormal(eps, 0, 1)
	x := tensor.New(x0.Shape...) // x = x₀ + σ_k·ε, the σ view
	for i := range n {
		s := t.Sigmas[t.PerStep*ks[i]]
		for j := i * per; j < (i+1)*per; j++ {
			x.Data[j] = float32(float64(x0.Data[j]) + s*float64(eps.Data[j]))
		}
	}
	// The teacher runs once per distinct grid index, on the images that
	// drew it.
	target := tensor.New(x0.Shape...)
	for _, k := range distinct(ks) {
		idx := indicesOf(ks, k)
		xs := gather(x, idx)
		var ys []int
		if y != nil {
			ys = make([]int, len(idx))
			for j, i := range idx {
				ys[j] = y[i]
			}
		}
		xk, err := TeacherTarget(t.Teacher(ys), xs, t.Sigmas, k, t.PerStep)
		if err != nil {
			return nil, 0, fmt.Errorf("distill: step %d: %w", step+1, err)
		}
		for j, i := range idx {
			copy(target.Data[i*per:(i+1)*per], xk.Data[j*per:(j+1)*per])
		}
	}
	// The student's input x_t = √ᾱ·x at the training step of σ_k, and the
	// ε̃ = (x − x̃)/σ_k that makes (x̃, ε̃) a consistent pair for x_t.
	xt := tensor.New(x0.Shape...)
	epsT := tensor.New(x0.Shape...)
	ts := make([]float64, n)
	abs := make([]float64, n)
	for i := range n {
		s := t.Sigmas[t.PerStep*ks[i]]
		abs[i] = schedule.SigmaToAlphaBar(s)
		ts[i] = t.timestep.Timestep(s)
		a := math.Sqrt(abs[i])
		for j := i * per; j < (i+1)*per; j++ {
			xt.Data[j] = float32(a * float64(x.Data[j]))
			epsT.Data[j] = float32((float64(x.Data[j]) - float64(target.Data[j])) / s)
		}
	}
	pred := t.Student.Forward(g, autograd.NewVar(xt), ts, y)
	l, err := diffusion.Loss(g, pred, target, epsT, abs, t.Target, diffusion.Uniform, 0)
	if err != nil {
		return nil, 0, fmt.Errorf("distill: step %d: %w", step+1, err)
	}
	return l, epoch, nil
}

// distinct returns the distinct values of ks, ascending.
func distinct(ks []int) []int {
	out := slices.Clone(ks)
	slices.Sort(out)
	return slices.Compact(out)
}

// indicesOf returns the positions of ks that hold k.
func indicesOf(ks []int, k int) []int {
	var out []int
	for i, v := range ks {
		if v == k {
			out = append(out, i)
		}
	}
	return out
}

// gather returns the items idx of x: (N, …) as (len(idx), …).
func gather(x *tensor.Tensor, idx []int) *tensor.Tensor {
	per := x.Len() / x.Dim(0)
	out := tensor.New(append([]int{len(idx)}, x.Shape[1:]...)...)
	for j, i := range idx {
		copy(out.Data[j*per:(j+1)*per], x.Data[i*per:(i+1)*per])
	}
	return out
}
