package masked

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/diffusion/oracle"
	"github.com/diffusego/diffusego/internal/stattest"
	"github.com/diffusego/diffusego/tensor"
)

// sampleCounts draws n sequences with s from z0 (one row of L, repeated)
// and counts them by index in dist.
func sampleCounts(t *testing.T, s Sampler, dist *oracle.Sequences, row []int, n int, seed uint64) ([]int, Result) {
	t.Helper()
	z0 := make([]int, 0, n*dist.L)
	for range n {
		z0 = append(z0, row...)
	}
	res, err := s.Sample(context.Background(), dist, z0, n, dist.L, tensor.NewRNG(seed), nil)
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, len(dist.Probs))
	for i := range n {
		x := res.Tokens[i*dist.L : (i+1)*dist.L]
		for j, id := range row {
			if id != s.V && x[j] != id {
				t.Fatalf("sample %d: held token %d changed from %d to %d", i, j, id, x[j])
			}
		}
		counts[dist.Index(x)]++
	}
	return counts, res
}

// (a) With the exact denoiser and 200 steps the sampler reproduces the
// sequence distribution: Pearson's χ² over the 81 sequences, 20,000 draws,
// below the 0.999 quantile of χ²(80); with prompt tokens held it samples
// the conditional distribution. With one step, every position is drawn
// independently from its marginal: the same test rejects that by far,
// which shows it has the power to fail.
// Time budget: under a second (about 0.2 s per case).
func TestSamplerReproducesExactDistribution(t *testing.T) {
	dist := testDist(t)
	const m, n = 3, 20000
	cases := []struct {
		name string
		row  []int
	}{
		{"unconditional", []int{m, m, m, m}},
		{"prefix x0=1", []int{1, m, m, m}},
		{"infill x0=0 x3=0", []int{0, m, m, 0}},
	}
	for seed, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := make([]float64, len(dist.Probs)) // p(x | held tokens)
			x := make([]int, dist.L)
			total := 0.0
			for i, p := range dist.Probs {
				dist.Seq(i, x)
				agree := true
				for j, id := range c.row {
					agree = agree && (id == m || id == x[j])
				}
				if agree {
					want[i] = p
					total += p
				}
			}
			for i := range want {
				want[i] /= total
			}
			for _, steps := range []int{200, 1} {
				s := Sampler{V: 3, Steps: steps, Cache: true}
				draws := n
				if steps == 1 {
					draws = n / 10 // far off: a tenth of the draws rejects it
				}
				counts, res := sampleCounts(t, s, dist, c.row, draws, uint64(seed+1))
				chi2, dof := stattest.ChiSquare(counts, want)
				limit := stattest.ChiSquareQuantile(dof, 3.09) // 0.999
				t.Logf("%d steps: χ² = %.1f on %d dof (0.999 quantile %.1f); %d calls, %d rows", steps, chi2, dof, limit, res.Calls, res.Rows)
				if steps > 1 && chi2 > limit {
					t.Errorf("%d steps: χ² = %.1f > %.1f: samples do not follow the distribution", steps, chi2, limit)
				}
				if steps == 1 && chi2 < 10*limit {
					t.Errorf("1 step (independent marginals): χ² = %.1f, want the test to reject it (> %.1f)", chi2, 10*limit)
				}
			}
		})
	}
}

// countingDenoiser wraps a denoiser and counts the rows it sees; it
// ignores t, like oracle.Sequences.
type countingDenoiser struct {
	d    Denoiser
	rows int
}

func (c *countingDenoiser) Logits(z []int, b, l int, t []float64) ([]float32, error) {
	c.rows += b
	return c.d.Logits(z, b, l, t)
}

// (c) Caching does not change the tokens of a time-independent denoiser
// (same seed, caching on and off) and saves work: at most one row per
// unmasking event plus one, against one row per step; for a single
// sequence that is at most L+1 calls instead of one per step.
func TestCachingKeepsTokensAndSavesCalls(t *testing.T) {
	dist := testDist(t)
	const steps = 100
	for _, b := range []int{1, 64} {
		var out [2]Result
		for k, cache := range []bool{false, true} {
			cd := &countingDenoiser{d: dist}
			s := Sampler{V: 3, Steps: steps, Cache: cache, Temperature: 0.8, TopP: 0.95}
			res, err := s.Sample(context.Background(), cd, nil, b, 4, tensor.NewRNG(5), nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows != cd.rows {
				t.Errorf("B=%d cache %v: Result.Rows = %d, the denoiser saw %d", b, cache, res.Rows, cd.rows)
			}
			out[k] = res
		}
		if !slices.Equal(out[0].Tokens, out[1].Tokens) {
			t.Fatalf("B=%d: caching changed the tokens", b)
		}
		t.Logf("B=%d: rows evaluated %d without cache, %d with; calls %d, %d", b, out[0].Rows, out[1].Rows, out[0].Calls, out[1].Calls)
		if out[1].Rows > b*(4+1) {
			t.Errorf("B=%d: cached rows = %d, want at most B·(L+1) = %d", b, out[1].Rows, b*5)
		}
		if out[0].Rows < b*steps/2 {
			t.Errorf("B=%d: uncached rows = %d, want about one per step and row", b, out[0].Rows)
		}
		if b == 1 && out[1].Calls > 5 {
			t.Errorf("B=1: %d cached calls, want at most L+1 = 5", out[1].Calls)
		}
	}
}

// The same seed gives the same tokens; another seed other tokens.
func TestSamplerSeeded(t *testing.T) {
	dist := testDist(t)
	s := Sampler{V: 3, Steps: 20}
	run := func(seed uint64) []int {
		res, err := s.Sample(context.Background(), dist, nil, 32, 4, tensor.NewRNG(seed), nil)
		if err != nil {
			t.Fatal(err)
		}
		return res.Tokens
	}
	a, b, c := run(9), run(9), run(10)
	if !slices.Equal(a, b) {
		t.Error("seed 9 twice: different tokens")
	}
	if slices.Equal(a, c) {
		t.Error("seeds 9 and 10: the same tokens")
	}
}

// Carry-over unmasking: the visit callback sees masks only disappear, once
// a token is set it never changes, the last step leaves no mask, and after
// the step to time s a fraction 1 − α_s of the tokens is still masked (the
// unmasking probability (α_s − α_t)/(1 − α_t) compounds to it), for the
// linear and the cosine schedule.
func TestSamplerTrajectory(t *testing.T) {
	dist := testDist(t)
	const b, steps = 250, 10
	for _, sch := range []Schedule{Linear{}, Cosine{}} {
		var prev []int
		masks := make([]int, steps)
		times := make([]float64, steps)
		s := Sampler{V: 3, Steps: steps, Schedule: sch}
		_, err := s.Sample(context.Background(), dist, nil, b, 4, tensor.NewRNG(2), func(k int, next float64, z []int) {
			if prev != nil {
				for i := range z {
					if prev[i] != 3 && z[i] != prev[i] {
						t.Fatalf("step %d: token %d changed from %d to %d", k, i, prev[i], z[i])
					}
				}
			}
			for _, id := range z {
				if id == 3 {
					masks[k]++
				}
			}
			times[k] = next
			prev = append(prev[:0], z...)
		})
		if err != nil {
			t.Fatal(err)
		}
		if masks[steps-1] != 0 {
			t.Errorf("%T: %d masks after the last step", sch, masks[steps-1])
		}
		for k := range steps - 1 {
			if want := 1 - float64(k+1)/steps; math.Abs(times[k]-want) > 1e-12 {
				t.Errorf("%T: step %d reached s = %v, want %v", sch, k, times[k], want)
			}
			n, q := float64(b*4), 1-sch.Alpha(times[k])
			want := n * q
			if d := float64(masks[k]) - want; math.Abs(d) > 4*math.Sqrt(n*q*(1-q))+1 {
				t.Errorf("%T: after step %d: %d masks, want %.0f", sch, k, masks[k], want)
			}
		}
	}
}

// (d) Temperature → 0 gives the argmax of every position's marginal.
func TestSamplerLowTemperatureIsArgmax(t *testing.T) {
	d := fixedLogits{v: 4, p: []float64{0.2, 0.1, 0.4, 0.3}}
	res, err := Sampler{V: 4, Steps: 5, Temperature: 1e-6}.Sample(context.Background(), d, nil, 10, 7, tensor.NewRNG(1), nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, id := range res.Tokens {
		if id != 2 {
			t.Fatalf("token %d = %d, want the argmax 2", k, id)
		}
	}
}

// fixedLogits returns log p at every position, whatever z.
type fixedLogits struct {
	v int
	p []float64
}

func (f fixedLogits) Logits(z []int, b, l int, _ []float64) ([]float32, error) {
	out := make([]float32, 0, b*l*f.v)
	for range b * l {
		out = append(out, logits32(f.p...)...)
	}
	return out, nil
}

// (d) The sampler draws from the nucleus, renormalised: top-p 0.9 on
// (0.2, 0.1, 0.4, 0.3) keeps tokens 2, 3, 0 with 0.4/0.9, 0.3/0.9,
// 0.2/0.9 (χ² on 2 dof over 8,000 tokens) and never token 1.
func TestSamplerTopPFrequencies(t *testing.T) {
	d := fixedLogits{v: 4, p: []float64{0.2, 0.1, 0.4, 0.3}}
	res, err := Sampler{V: 4, Steps: 3, TopP: 0.9}.Sample(context.Background(), d, nil, 100, 80, tensor.NewRNG(4), nil)
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, 4)
	for _, id := range res.Tokens {
		counts[id]++
	}
	if counts[1] != 0 {
		t.Errorf("token 1 (outside the nucleus) drawn %d times", counts[1])
	}
	chi2, dof := stattest.ChiSquare(counts, []float64{0.2 / 0.9, 0, 0.4 / 0.9, 0.3 / 0.9})
	if dof != 2 || chi2 > 13.8 { // 0.999 quantile of χ²(2)
		t.Errorf("counts %v: χ² = %.2f on %d dof, want ≤ 13.8 on 2", counts, chi2, dof)
	}
}

type failing struct{ panics bool }

func (f failing) Logits(z []int, b, l int, _ []float64) ([]float32, error) {
	if f.panics {
		var s []float32
		return s[:1], nil // a bug in the denoiser
	}
	return nil, errors.New("out of memory")
}

func TestSamplerErrors(t *testing.T) {
	dist := testDist(t)
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	rng := tensor.NewRNG(1)
	for _, c := range []struct {
		name string
		s    Sampler
		d    Denoiser
		ctx  context.Context
		z0   []int
		want string
	}{
		{"no steps", Sampler{V: 3}, dist, ctx, nil, "Steps = 0"},
		{"negative temperature", Sampler{V: 3, Steps: 1, Temperature: -1}, dist, ctx, nil, "Temperature"},
		{"top-p 2", Sampler{V: 3, Steps: 1, TopP: 2}, dist, ctx, nil, "TopP"},
		{"token past the mask", Sampler{V: 3, Steps: 1}, dist, ctx, []int{0, 4, 3, 3}, "z0[0, 1] = 4"},
		{"cancelled", Sampler{V: 3, Steps: 4}, dist, cancelled, nil, "context canceled"},
		{"denoiser error", Sampler{V: 3, Steps: 4}, failing{}, ctx, nil, "out of memory"},
		{"denoiser panics", Sampler{V: 3, Steps: 4}, failing{panics: true}, ctx, nil, "internal error"},
		{"wrong logits size", Sampler{V: 2, Steps: 4}, dist, ctx, []int{2, 2, 2, 2}, "want 8 logits"},
		{"nil denoiser", Sampler{V: 3, Steps: 4}, nil, ctx, nil, "must not be nil"},
	} {
		_, err := c.s.Sample(c.ctx, c.d, c.z0, 1, 4, rng, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// A row with no mask costs no denoiser call and comes back unchanged.
func TestSamplerNothingToDo(t *testing.T) {
	cd := &countingDenoiser{d: testDist(t)}
	z0 := []int{0, 1, 2, 0, 2, 2, 2, 2}
	res, err := Sampler{V: 3, Steps: 8}.Sample(context.Background(), cd, z0, 2, 4, tensor.NewRNG(1), nil)
	if err != nil || !slices.Equal(res.Tokens, z0) || res.Calls != 0 || cd.rows != 0 {
		t.Errorf("got %v, %d calls, %d rows, %v; want z0 back, no calls", res.Tokens, res.Calls, cd.rows, err)
	}
}
