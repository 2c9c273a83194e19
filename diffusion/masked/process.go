package masked

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// DefaultEps is the smallest training time ε: times are drawn in [ε, 1] so
// that the weight 1/t stays bounded (TEXT_SPEC "The training loss"; MDLM's
// sampling_eps).
const DefaultEps = 1e-3

// Process is the forward (masking) process on sequences of V-token
// vocabularies: each token of x0 is independently kept with probability α_t
// and replaced by the mask id V otherwise.
type Process struct {
	V        int      // real tokens are 0..V−1; the mask is V
	Schedule Schedule // nil means Linear
	Eps      float64  // ε of the stratified training times; 0 means DefaultEps
}

func (p Process) schedule() Schedule {
	if p.Schedule == nil {
		return Linear{}
	}
	return p.Schedule
}

func (p Process) eps() float64 {
	if p.Eps == 0 {
		return DefaultEps
	}
	return p.Eps
}

func (p Process) check() error {
	if p.V < 1 {
		return fmt.Errorf("masked: process: V = %d: want at least 1 real token", p.V)
	}
	if e := p.eps(); !(e > 0 && e < 1) {
		return fmt.Errorf("masked: process: Eps = %v: want 0 < ε < 1", e)
	}
	return nil
}

// StratifiedTimes returns n times t_i = ε + (1−ε)·((u + i/n) mod 1) for
// one u ~ U(0, 1): one per stratum of [ε, 1], in a random rotation, which
// lowers the variance of the batch loss (Kingma et al. 2021, appendix I.1;
// TEXT_SPEC "The training loss").
func StratifiedTimes(n int, eps float64, rng *tensor.RNG) []float64 {
	u := rng.Uniform()
	t := make([]float64, n)
	for i := range t {
		f := u + float64(i)/float64(n)
		f -= math.Floor(f)
		t[i] = eps + (1-eps)*f
	}
	return t
}

// Corrupt draws z_t ~ q(z_t | x0) = Cat(α_t·x0 + (1−α_t)·m) for a batch
// x0 of b sequences of length l (b·l ids, row-major (B, L)), at stratified
// times t (B) from StratifiedTimes(b, ε, rng): each token of row i is masked
// (set to V) independently with probability 1 − α_{t_i}. The random draws
// are u first, then one uniform per token in row-major order.
func (p Process) Corrupt(x0 []int, b, l int, rng *tensor.RNG) (z []int, t []float64, err error) {
	if err := p.check(); err != nil {
		return nil, nil, err
	}
	if err := checkTokens("x0", x0, b, l, p.V, false); err != nil {
		return nil, nil, err
	}
	if rng == nil {
		return nil, nil, fmt.Errorf("masked: corrupt: rng is nil")
	}
	sch := p.schedule()
	t = StratifiedTimes(b, p.eps(), rng)
	z = make([]int, b*l)
	for i := range b {
		keep := sch.Alpha(t[i])
		for j := range l {
			k := i*l + j
			if rng.Uniform() < keep {
				z[k] = x0[k]
			} else {
				z[k] = p.V
			}
		}
	}
	return z, t, nil
}

// LossWeights returns the per-token weights (B·L, row-major) of the
// training loss: w(t_i)/(B·L) at masked positions of row i, with
// w(t) = −α'_t/(1−α_t) (1/t for Linear), and 0 elsewhere, so that
//
//	loss = Σ_{i,l} weight_il · CE(logits_il, x0_il)
//
// is TEXT_SPEC's MDLM loss in nats per token. z must agree with x0 wherever
// it is not masked.
func (p Process) LossWeights(z, x0 []int, t []float64, b, l int) ([]float32, error) {
	if err := p.checkBatch(z, x0, t, b, l); err != nil {
		return nil, err
	}
	sch := p.schedule()
	w := make([]float32, b*l)
	norm := float64(b * l)
	for i := range b {
		wt := float32(sch.Weight(t[i]) / norm)
		for j := range l {
			if z[i*l+j] == p.V {
				w[i*l+j] = wt
			}
		}
	}
	return w, nil
}

// Loss evaluates the training loss Σ weight_il·(−log softmax(logits_il)[x0_il])
// in float64 from the network's logits (B, L, V) row-major, with the
// weights of LossWeights: the reference a trainer's autograd loss must match.
func (p Process) Loss(logits []float32, z, x0 []int, t []float64, b, l int) (float64, error) {
	w, err := p.LossWeights(z, x0, t, b, l)
	if err != nil {
		return 0, err
	}
	if len(logits) != b*l*p.V {
		return 0, fmt.Errorf("masked: loss: logits: want %d values (B=%d, L=%d, V=%d), got %d", b*l*p.V, b, l, p.V, len(logits))
	}
	lp := make([]float64, p.V)
	sum := 0.0
	for k, wk := range w {
		if wk == 0 {
			continue
		}
		if err := logSoftmax(lp, logits[k*p.V:(k+1)*p.V], 1); err != nil {
			return 0, fmt.Errorf("masked: loss: logits[%d, %d]: %w", k/l, k%l, err)
		}
		sum += float64(wk) * -lp[x0[k]]
	}
	return sum, nil
}

func (p Process) checkBatch(z, x0 []int, t []float64, b, l int) error {
	if err := p.check(); err != nil {
		return err
	}
	if err := checkTokens("x0", x0, b, l, p.V, false); err != nil {
		return err
	}
	if err := checkTokens("z", z, b, l, p.V, true); err != nil {
		return err
	}
	if len(t) != b {
		return fmt.Errorf("masked: t: want %d times (one per sequence), got %d", b, len(t))
	}
	for i, ti := range t {
		if !(ti > 0 && ti <= 1) {
			return fmt.Errorf("masked: t[%d] = %v: want 0 < t ≤ 1", i, ti)
		}
	}
	for k := range z {
		if z[k] != p.V && z[k] != x0[k] {
			return fmt.Errorf("masked: z[%d, %d] = %d: want x0's token %d or the mask %d", k/l, k%l, z[k], x0[k], p.V)
		}
	}
	return nil
}

// checkTokens checks that ids holds b·l tokens in 0..v−1, or 0..v when the
// mask is allowed.
func checkTokens(name string, ids []int, b, l, v int, maskOK bool) error {
	if b < 1 || l < 1 {
		return fmt.Errorf("masked: %s: batch %d × length %d: want both at least 1", name, b, l)
	}
	if len(ids) != b*l {
		return fmt.Errorf("masked: %s: want %d ids (B=%d × L=%d), got %d", name, b*l, b, l, len(ids))
	}
	hi := v - 1
	want := fmt.Sprintf("a token in 0..%d", hi)
	if maskOK {
		hi = v
		want = fmt.Sprintf("a token in 0..%d or the mask %d", v-1, v)
	}
	for k, id := range ids {
		if id < 0 || id > hi {
			return fmt.Errorf("masked: %s[%d, %d] = %d: want %s", name, k/l, k%l, id, want)
		}
	}
	return nil
}
