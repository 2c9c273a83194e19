package masked

import (
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// Stratified times: one per stratum of [ε, 1], spaced (1−ε)/n apart.
func TestStratifiedTimes(t *testing.T) {
	ts := StratifiedTimes(8, 1e-3, tensor.NewRNG(3))
	sort.Float64s(ts)
	for i, x := range ts {
		if x < 1e-3 || x > 1 {
			t.Fatalf("t[%d] = %v outside [ε, 1]", i, x)
		}
		if i > 0 {
			if gap := x - ts[i-1]; math.Abs(gap-0.999/8) > 1e-12 {
				t.Errorf("gap %d = %v, want %v", i, gap, 0.999/8)
			}
		}
	}
}

// (e) The masked fraction of a row at time t is 1 − α_t: over many rows,
// binned by t, for the linear and cosine schedules.
func TestCorruptMaskedFractionIsOneMinusAlpha(t *testing.T) {
	for _, sch := range []Schedule{Linear{}, Cosine{}} {
		p := Process{V: 5, Schedule: sch}
		rng := tensor.NewRNG(11)
		const b, l, batches, bins = 64, 50, 40, 4
		x0 := make([]int, b*l)
		for k := range x0 {
			x0[k] = k % 5
		}
		var masked, want, count [bins]float64
		for range batches {
			z, ts, err := p.Corrupt(x0, b, l, rng)
			if err != nil {
				t.Fatal(err)
			}
			for i, ti := range ts {
				bin := min(int(ti*bins), bins-1)
				for j := range l {
					k := i*l + j
					switch z[k] {
					case p.V:
						masked[bin]++
					case x0[k]:
					default:
						t.Fatalf("z[%d] = %d: neither x0 %d nor the mask", k, z[k], x0[k])
					}
				}
				want[bin] += float64(l) * (1 - sch.Alpha(ti))
				count[bin] += l
			}
		}
		for bin := range bins {
			got, w := masked[bin]/count[bin], want[bin]/count[bin]
			se := math.Sqrt(w * (1 - w) / count[bin])
			if math.Abs(got-w) > 4*se+1e-3 {
				t.Errorf("%T bin %d: masked fraction %.4f, want 1−α_t = %.4f (±%.4f)", sch, bin, got, w, se)
			}
		}
	}
}

// Loss weights are w(t)/(B·L) = 1/(t·B·L) on masked tokens, 0 elsewhere,
// and Loss is Σ weight·(−log softmax) worked out by hand.
func TestLossWeightsAndLoss(t *testing.T) {
	p := Process{V: 2}
	x0 := []int{0, 1, 1, 0} // (B=2, L=2)
	z := []int{2, 1, 2, 2}
	ts := []float64{0.5, 0.25}
	w, err := p.LossWeights(z, x0, ts, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{1 / (0.5 * 4), 0, 1 / (0.25 * 4), 1 / (0.25 * 4)}
	for k := range want {
		if w[k] != want[k] {
			t.Errorf("weight[%d] = %v, want %v", k, w[k], want[k])
		}
	}
	logits := []float32{0, 0, 5, -5, float32(math.Log(3)), 0, 1, 2}
	got, err := p.Loss(logits, z, x0, ts, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	// position (0,0): −log ½; (1,0): label 1 under odds 3:1 → −log ¼; (1,1): label 0 → −log(e/(e+e²)).
	wantLoss := 0.5*math.Log(2) + 1*math.Log(4) + 1*math.Log(1+math.E)
	if math.Abs(got-wantLoss) > 1e-6 {
		t.Errorf("Loss = %.8f, want %.8f", got, wantLoss)
	}
}

func TestProcessErrors(t *testing.T) {
	p := Process{V: 3}
	rng := tensor.NewRNG(1)
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"V 0", func() error { _, _, err := Process{}.Corrupt([]int{0}, 1, 1, rng); return err }, "V = 0"},
		{"token out of range", func() error { _, _, err := p.Corrupt([]int{0, 3}, 1, 2, rng); return err }, "x0[0, 1] = 3"},
		{"short x0", func() error { _, _, err := p.Corrupt([]int{0}, 1, 2, rng); return err }, "want 2 ids"},
		{"nil rng", func() error { _, _, err := p.Corrupt([]int{0}, 1, 1, nil); return err }, "rng is nil"},
		{"bad eps", func() error { _, _, err := Process{V: 3, Eps: 2}.Corrupt([]int{0}, 1, 1, rng); return err }, "Eps"},
		{"z disagrees", func() error { _, err := p.LossWeights([]int{1}, []int{0}, []float64{0.5}, 1, 1); return err }, "z[0, 0] = 1"},
		{"t zero", func() error { _, err := p.LossWeights([]int{3}, []int{0}, []float64{0}, 1, 1); return err }, "t[0] = 0"},
		{"t count", func() error { _, err := p.LossWeights([]int{3}, []int{0}, nil, 1, 1); return err }, "want 1 times"},
		{"logits size", func() error { _, err := p.Loss(nil, []int{3}, []int{0}, []float64{0.5}, 1, 1); return err }, "want 3 values"},
	} {
		err := c.err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
