package masked

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// Denoiser predicts, for each position of the partly masked sequences z
// (b·l ids, row-major (B, L); the mask is id V) at times t (B), logits over
// the V clean tokens: a (B, L, V) row-major slice. Only the masked
// positions' logits are used.
type Denoiser interface {
	Logits(z []int, b, l int, t []float64) ([]float32, error)
}

// Sampler is MDLM's ancestral sampler with caching (Sahoo et al. 2024;
// _ddpm_caching_update in its reference code): N uniform steps
// t_k = 1 − k/N from t = 1 down to 0. At the step from t to s < t, each still-masked position is
// unmasked with probability (α_s − α_t)/(1 − α_t) to a token drawn from the
// denoiser's categorical, and stays masked otherwise; unmasked tokens never
// change (carry-over unmasking), and the last step (s = 0, α_0 = 1) fills
// every remaining mask.
//
// The zero value of every option but V and Steps is the plain sampler:
// temperature 1, no nucleus, no caching.
type Sampler struct {
	V        int      // real tokens are 0..V−1; the mask is V
	Schedule Schedule // nil means Linear
	Steps    int      // N ≥ 1, the number of denoising steps

	// Temperature T divides the logits before the softmax; 0 means 1.
	// As T → 0 the draws become the argmax.
	Temperature float64
	// TopP, in (0, 1), keeps the smallest set of tokens whose cumulative
	// probability reaches TopP, renormalised (nucleus sampling); 0 or 1
	// keeps every token.
	TopP float64
	// Cache reuses a sequence's logits while none of its tokens changed
	// since they were computed, so that a sequence costs at most one
	// denoiser row per unmasking event instead of one per step. The reuse
	// ignores the change of t, which is exact for a denoiser that does not
	// read t (MDLM's default: the true posterior of x0 given z_t does not
	// depend on t) and an approximation for a time-conditioned one.
	Cache bool
}

// Result is what a sampler returns.
type Result struct {
	Tokens []int // (B, L) row-major; no masks left
	Calls  int   // denoiser calls
	Rows   int   // sequences evaluated, summed over the calls
}

// Visit is called after every step with the step's index, the time s it
// reached and the current tokens (B, L), masks included. z is the
// sampler's own buffer: read it, copy it, do not change it.
type Visit func(step int, s float64, z []int)

func (s Sampler) schedule() Schedule {
	if s.Schedule == nil {
		return Linear{}
	}
	return s.Schedule
}

func (s Sampler) temp() float64 {
	if s.Temperature == 0 {
		return 1
	}
	return s.Temperature
}

func (s Sampler) check() error {
	switch {
	case s.V < 1:
		return fmt.Errorf("masked: sampler: V = %d: want at least 1 real token", s.V)
	case s.Steps < 1:
		return fmt.Errorf("masked: sampler: Steps = %d: want at least 1", s.Steps)
	case !(s.Temperature >= 0) || math.IsInf(s.Temperature, 1):
		return fmt.Errorf("masked: sampler: Temperature = %v: want a finite T ≥ 0 (0 means 1)", s.Temperature)
	case !(s.TopP >= 0 && s.TopP <= 1):
		return fmt.Errorf("masked: sampler: TopP = %v: want 0 ≤ p ≤ 1", s.TopP)
	}
	return nil
}

// Sample completes z0, b sequences of length l (row-major (B, L)) in which
// the positions to generate hold the mask id V; nil means all masked. Every
// other position is held fixed (a prompt, or the characters around an
// infill gap) and comes back unchanged. The same rng seed gives the same
// tokens. ctx is checked once per step; visit, if not nil, sees every step.
func (s Sampler) Sample(ctx context.Context, d Denoiser, z0 []int, b, l int, rng *tensor.RNG, visit Visit) (res Result, err error) {
	defer tensor.Recover(&err)
	if err := s.check(); err != nil {
		return Result{}, err
	}
	if d == nil || rng == nil {
		return Result{}, fmt.Errorf("masked: sampler: the denoiser and the rng must not be nil")
	}
	if z0 == nil && b > 0 && l > 0 {
		z0 = make([]int, b*l)
		for k := range z0 {
			z0[k] = s.V
		}
	}
	if err := checkTokens("z0", z0, b, l, s.V, true); err != nil {
		return Result{}, err
	}
	z := append([]int(nil), z0...)
	r := newRun(s, d, b, l)
	sch := s.schedule()
	for k := range s.Steps {
		if err := ctx.Err(); err != nil {
			return Result{}, fmt.Errorf("masked: sampler: step %d of %d: %w", k, s.Steps, err)
		}
		t := 1 - float64(k)/float64(s.Steps)
		next := 1 - float64(k+1)/float64(s.Steps)
		at, as := sch.Alpha(t), sch.Alpha(next)
		pUnmask := 1.0 // the last step fills every mask
		if k < s.Steps-1 {
			pUnmask = (as - at) / (1 - at)
		}
		if err := r.step(z, t, pUnmask, rng); err != nil {
			return Result{}, fmt.Errorf("masked: sampler: step %d of %d (t = %.4g): %w", k, s.Steps, t, err)
		}
		if visit != nil {
			visit(k, next, z)
		}
	}
	return Result{Tokens: z, Calls: r.calls, Rows: r.rows}, nil
}

// run is one sampling pass's state: the cached logits and which rows they
// are fresh for.
type run struct {
	s      Sampler
	d      Denoiser
	b, l   int
	logits []float32 // (B, L, V), each row as last computed
	fresh  []bool    // (B): logits of row i match its tokens
	cat    *categorical
	calls  int
	rows   int
}

func newRun(s Sampler, d Denoiser, b, l int) *run {
	return &run{s: s, d: d, b: b, l: l, logits: make([]float32, b*l*s.V), fresh: make([]bool, b),
		cat: newCategorical(s.V, s.temp(), s.TopP)}
}

// step moves z from t to the next time: it evaluates the rows that need
// logits in one denoiser call, then unmasks each masked position with
// probability pUnmask. The draws are, per masked position in row-major
// order, one uniform for "unmask?" and, if so, one for the token; they do
// not depend on which rows were evaluated, so caching never changes them.
func (r *run) step(z []int, t, pUnmask float64, rng *tensor.RNG) error {
	v, l := r.s.V, r.l
	var need []int
	for i := range r.b {
		if r.s.Cache && r.fresh[i] {
			continue
		}
		for _, id := range z[i*l : (i+1)*l] {
			if id == v {
				need = append(need, i)
				break
			}
		}
	}
	if len(need) > 0 {
		zb := make([]int, 0, len(need)*l)
		tb := make([]float64, len(need))
		for j, i := range need {
			zb = append(zb, z[i*l:(i+1)*l]...)
			tb[j] = t
		}
		out, err := r.d.Logits(zb, len(need), l, tb)
		r.calls++
		r.rows += len(need)
		if err != nil {
			return fmt.Errorf("denoiser: %w", err)
		}
		if len(out) != len(need)*l*v {
			return fmt.Errorf("denoiser: want %d logits (B=%d, L=%d, V=%d), got %d", len(need)*l*v, len(need), l, v, len(out))
		}
		for j, i := range need {
			copy(r.logits[i*l*v:(i+1)*l*v], out[j*l*v:(j+1)*l*v])
			r.fresh[i] = true
		}
	}
	for i := range r.b {
		for j := range l {
			k := i*l + j
			if z[k] != v || rng.Uniform() >= pUnmask {
				continue
			}
			p, err := r.cat.probs(r.logits[k*v : (k+1)*v])
			if err != nil {
				return fmt.Errorf("denoiser: row %d position %d: %w", i, j, err)
			}
			z[k] = draw(p, rng.Uniform())
			r.fresh[i] = false
		}
	}
	return nil
}
