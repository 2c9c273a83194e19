package distill_test

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/oracle"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/distill"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// affineNet predicts v = A_k ⊙ x_t + B_k, one (A_k, B_k) per level of the
// student's grid (k picked by the timestep). For Gaussian data the exact
// denoiser, and so the teacher's DDIM map, is affine in x, so this student
// can represent the ideal x̃ exactly: a round must drive it there.
type affineNet struct {
	ts   []float64 // the training step of each grid level k
	a, b *nn.Param // (K, D)
}

func newAffineNet(ts []float64, dim int) *affineNet {
	return &affineNet{ts: ts, a: nn.NewParam("a", tensor.New(len(ts), dim)), b: nn.NewParam("b", tensor.New(len(ts), dim))}
}

func (m *affineNet) Forward(g *autograd.Graph, x *autograd.Var, t []float64, _ []int) *autograd.Var {
	onehot := tensor.New(len(t), len(m.ts)) // (N, K)
	for i, ti := range t {
		best := 0
		for k, tk := range m.ts {
			if math.Abs(tk-ti) < math.Abs(m.ts[best]-ti) {
				best = k
			}
		}
		onehot.Data[i*len(m.ts)+best] = 1
	}
	oh := autograd.NewVar(onehot)
	return g.Add(g.Mul(x, g.MatMul(oh, m.a.V)), g.MatMul(oh, m.b.V))
}

func (m *affineNet) Params() []*nn.Param { return []*nn.Param{m.a, m.b} }

// denoiser is the student as the samplers see it.
func (m *affineNet) denoiser(sch schedule.Schedule) *diffusion.VPDenoiser {
	net := func(xt *tensor.Tensor, t []float64, y []int) (*tensor.Tensor, error) {
		return m.Forward(autograd.NoGrad(), autograd.NewVar(xt), t, y).Value, nil
	}
	return &diffusion.VPDenoiser{Net: net, Schedule: sch, Target: diffusion.V}
}

var (
	gaussMean = []float64{0.5, -1}
	gaussVar  = []float64{0.3, 2}
)

func gaussianData(t *testing.T, n int, seed uint64) *train.Batches {
	t.Helper()
	rng := tensor.NewRNG(seed)
	x := tensor.New(n, 2)
	for i := range n {
		for d := range 2 {
			x.Data[2*i+d] = float32(gaussMean[d] + math.Sqrt(gaussVar[d])*rng.Normal())
		}
	}
	b, err := train.TensorBatches(x, nil, 64, seed)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gaussianRound builds one halving round (2 teacher steps per student
// step) on the exact Gaussian denoiser, for a student of steps steps.
func gaussianRound(t *testing.T, steps int) (*distill.Task, *affineNet, schedule.Schedule) {
	t.Helper()
	sch := schedule.NewCosine(1000, 0.008)
	sigmas, m, err := distill.TeacherGrid(sch, 1, steps)
	if err != nil {
		t.Fatal(err)
	}
	student := make([]float64, steps)
	vp := &diffusion.VPDenoiser{Schedule: sch}
	for k := range steps {
		student[k] = vp.Timestep(sigmas[m*k])
	}
	net := newAffineNet(student, 2)
	teacher := oracle.NewDiagGaussian(gaussMean, gaussVar)
	task := &distill.Task{Student: net, Schedule: sch, Target: diffusion.V,
		Teacher: func([]int) sampler.Denoiser { return teacher }, Sigmas: sigmas, PerStep: m, Data: gaussianData(t, 4096, 3)}
	return task, net, sch
}

// The prediction x̃ of TeacherTarget makes one DDIM step equal the
// teacher's two: x̃ + r·(x − x̃) = x” (algebra, to float32 rounding).
func TestTeacherTargetIsTwoSteps(t *testing.T) {
	sch := schedule.NewCosine(1000, 0.008)
	teacher := oracle.NewDiagGaussian(gaussMean, gaussVar)
	for _, steps := range []int{1, 2, 4} {
		sigmas, err := distill.Grid(sch, 2*steps)
		if err != nil {
			t.Fatal(err)
		}
		for k := range steps {
			x := tensor.NewRNG(uint64(k)).Randn(8, 2)
			for i := range x.Data {
				x.Data[i] *= float32(math.Sqrt(1 + sigmas[2*k]*sigmas[2*k]))
			}
			want := x
			for i := 2 * k; i < 2*k+2; i++ {
				if want, err = (sampler.DDIM{}).Step(teacher, want, sigmas, i, nil); err != nil {
					t.Fatal(err)
				}
			}
			xt, err := distill.TeacherTarget(teacher, x, sigmas, k, 2)
			if err != nil {
				t.Fatal(err)
			}
			r := sigmas[2*k+2] / sigmas[2*k]
			for i := range x.Data {
				got := float64(xt.Data[i]) + r*(float64(x.Data[i])-float64(xt.Data[i]))
				if d := math.Abs(got - float64(want.Data[i])); d > 1e-4*(1+math.Abs(float64(want.Data[i]))) {
					t.Fatalf("steps %d, k %d, element %d: one step with x̃ gives %.6f, two teacher steps %.6f", steps, k, i, got, want.Data[i])
				}
			}
		}
	}
}

// One halving round on the exact Gaussian denoiser: after 300 steps of the
// train loop (about 0.2 s), the student's one DDIM step reproduces the
// teacher's two-step DDIM map at every student level, within 1e-4 of the
// map's output scale (√(1+σ'²)·std), for points spread over the noisy
// marginal (measured: 1.4e-6). An untrained student is far off (checked first), so the test
// can fail.
func TestRoundReproducesTwoStepMap(t *testing.T) {
	const steps = 2
	task, net, sch := gaussianRound(t, steps)
	teacher := oracle.NewDiagGaussian(gaussMean, gaussVar)
	worst := func() float64 {
		sigmas := task.Sigmas
		sgrid, _ := distill.Grid(sch, steps)
		d := net.denoiser(sch)
		w := 0.0
		for k := range steps {
			s := sigmas[2*k]
			x := tensor.NewRNG(uint64(10+k)).Randn(256, 2)
			for i := range x.Data {
				x.Data[i] = float32(gaussMean[i%2] + math.Sqrt(gaussVar[i%2]+s*s)*float64(x.Data[i]))
			}
			want := x
			for i := 2 * k; i < 2*k+2; i++ {
				want, _ = (sampler.DDIM{}).Step(teacher, want, sigmas, i, nil)
			}
			got, err := (sampler.DDIM{}).Step(d, x, sgrid, k, nil)
			if err != nil {
				t.Fatal(err)
			}
			next := sigmas[2*k+2]
			for i := range x.Data {
				scale := math.Sqrt(gaussVar[i%2] + next*next)
				w = max(w, math.Abs(float64(got.Data[i]-want.Data[i]))/scale)
			}
		}
		return w
	}
	if w := worst(); w < 0.1 {
		t.Fatalf("the untrained student is already within %.3g of the teacher's map: the test would not show learning", w)
	}
	tr, err := train.NewTask(task, train.Options{Steps: 300, LR: 0.05, LRSchedule: "cosine", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	w := worst()
	t.Logf("worst error after the round: %.3g of the output scale", w)
	if w > 1e-4 {
		t.Errorf("student's one step vs the teacher's two: worst error %.4g of the output scale, want ≤ 1e-4", w)
	}
}

// A round stopped after 3 of 7 steps and resumed from its checkpoint
// through the train loop ends with the same bits as one that never
// stopped: the task draws everything from the step's stream.
func TestRoundResumesExactly(t *testing.T) {
	run := func(stop int, path string) []*nn.Param {
		task, net, _ := gaussianRound(t, 4)
		tr, err := train.NewTask(task, train.Options{Steps: 7, LR: 0.01, EMADecay: 0.9, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		if path != "" && stop == 0 {
			if err := tr.Load(path); err != nil {
				t.Fatal(err)
			}
		}
		for tr.Step < 7 && (stop == 0 || tr.Step < stop) {
			if _, err := tr.TrainStep(); err != nil {
				t.Fatal(err)
			}
		}
		if stop > 0 {
			if err := tr.Save(path, nil); err != nil {
				t.Fatal(err)
			}
		}
		return net.Params()
	}
	whole := run(0, "")
	path := filepath.Join(t.TempDir(), "ckpt.safetensors")
	run(3, path)
	resumed := run(0, path)
	for i := range whole {
		if !slices.Equal(whole[i].V.Value.Data, resumed[i].V.Value.Data) {
			t.Fatalf("parameter %s differs after resume", whole[i].Name)
		}
	}
}
