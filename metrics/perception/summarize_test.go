package perception

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// answer returns a scored trial of rater r on a generated (gen) or real
// image, answered wrongly when wrong.
func answer(r string, gen, wrong bool) Trial {
	return Trial{Rater: r, Item: fmt.Sprintf("%s-%v", r, gen), Generated: gen, AnsweredGenerated: gen != wrong, Millis: 1200}
}

// repeat returns n copies of t.
func repeat(n int, t Trial) []Trial {
	out := make([]Trial, n)
	for i := range out {
		out[i] = t
	}
	return out
}

func join(parts ...[]Trial) []Trial {
	var out []Trial
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Counts by hand: rater a answers 10 generated images (4 judged real) and
// 10 real ones (1 judged generated); rater b answers 5 and 5 with 5 and 0
// wrong. Practice and gold trials, all wrong here, must not count.
func TestSummarizeCounts(t *testing.T) {
	trials := join(
		repeat(4, answer("a", true, true)), repeat(6, answer("a", true, false)),
		repeat(1, answer("a", false, true)), repeat(9, answer("a", false, false)),
		repeat(5, answer("b", true, true)), repeat(5, answer("b", false, false)),
	)
	practice := answer("a", true, true)
	practice.Practice = true
	gold := answer("b", false, true) // one gold error is allowed by default
	gold.Gold = true
	trials = append(trials, practice, practice, gold)

	rep, err := Summarize(trials, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Estimate{
		"ErrorRate":     {Value: 10.0 / 30, Count: 10, N: 30},
		"FoolRate":      {Value: 9.0 / 15, Count: 9, N: 15},
		"RealErrorRate": {Value: 1.0 / 15, Count: 1, N: 15},
	}
	for name, got := range map[string]Estimate{"ErrorRate": rep.ErrorRate, "FoolRate": rep.FoolRate, "RealErrorRate": rep.RealErrorRate} {
		w := want[name]
		if got.Value != w.Value || got.Count != w.Count || got.N != w.N {
			t.Errorf("%s = %.4f (%d of %d), want %.4f (%d of %d)", name, got.Value, got.Count, got.N, w.Value, w.Count, w.N)
		}
		if !(got.Lo <= got.Value && got.Value <= got.Hi) || got.Lo < 0 || got.Hi > 1 || got.Lo == got.Hi {
			t.Errorf("%s interval [%.4f, %.4f] does not hold %.4f inside [0, 1] with some width", name, got.Lo, got.Hi, got.Value)
		}
	}
	if rep.Raters != 2 || rep.Trials != 30 || rep.Real != 15 || rep.Generated != 15 || len(rep.Dropped) != 0 {
		t.Errorf("counts: raters %d trials %d real %d generated %d dropped %d, want 2 30 15 15 0",
			rep.Raters, rep.Trials, rep.Real, rep.Generated, len(rep.Dropped))
	}
}

func TestDropRules(t *testing.T) {
	opts := DefaultOptions() // MinMillis 500, MaxGoldErrors 1
	goldWrong := answer("x", true, true)
	goldWrong.Gold = true
	goldRight := answer("x", false, false)
	goldRight.Gold = true
	fast := func(tr Trial, ms int) Trial { tr.Millis = ms; return tr }
	practice := func(tr Trial) Trial { tr.Practice = true; return tr }
	scored := join(repeat(5, answer("x", true, false)), repeat(5, answer("x", false, true)))

	cases := []struct {
		name    string
		trials  []Trial
		gold    bool // want dropped for gold
		tooFast bool
		none    bool
		reason  string
	}{
		{name: "one gold error is allowed", trials: join(scored, []Trial{goldWrong, goldRight, goldRight})},
		{name: "two gold errors", trials: join(scored, []Trial{goldWrong, goldWrong, goldRight}), gold: true, reason: "failed 2 of 3 gold checks (at most 1 allowed)"},
		{name: "median below MinMillis", trials: join(repeat(6, fast(answer("x", true, false), 300)), repeat(5, answer("x", false, false))), tooFast: true, reason: "median answer time 300 ms below 500 ms"},
		{name: "median at MinMillis", trials: join(repeat(5, fast(answer("x", true, false), 400)), repeat(5, fast(answer("x", false, false), 600)))},
		{name: "fast practice does not count", trials: join(scored, repeat(20, practice(fast(answer("x", true, true), 10))))},
		{name: "gold times count", trials: join(repeat(3, fast(answer("x", true, false), 900)), repeat(4, fast(goldRight, 100))), tooFast: true},
		{name: "only practice and gold", trials: join(repeat(5, practice(answer("x", true, false))), []Trial{goldRight}), none: true, reason: "no scored trials"},
		{name: "practice only", trials: repeat(5, practice(fast(answer("x", true, false), 10))), none: true, reason: "no scored trials"},
		{name: "every reason", trials: repeat(3, fast(goldWrong, 10)), gold: true, tooFast: true, none: true,
			reason: "failed 3 of 3 gold checks (at most 1 allowed); median answer time 10 ms below 500 ms; no scored trials"},
	}
	keeper := join(repeat(10, answer("keeper", true, true)), repeat(10, answer("keeper", false, false)))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := Summarize(join(keeper, c.trials), opts)
			if err != nil {
				t.Fatal(err)
			}
			drop := c.gold || c.tooFast || c.none
			if !drop {
				if rep.Raters != 2 || len(rep.Dropped) != 0 {
					t.Fatalf("kept %d raters, dropped %+v; want x kept", rep.Raters, rep.Dropped)
				}
				return
			}
			if rep.Raters != 1 || len(rep.Dropped) != 1 || rep.Dropped[0].Rater != "x" {
				t.Fatalf("kept %d raters, dropped %+v; want only x dropped", rep.Raters, rep.Dropped)
			}
			d := rep.Dropped[0]
			if d.FailedGold != c.gold || d.TooFast != c.tooFast || d.NoScored != c.none {
				t.Errorf("FailedGold, TooFast, NoScored = %v, %v, %v; want %v, %v, %v", d.FailedGold, d.TooFast, d.NoScored, c.gold, c.tooFast, c.none)
			}
			if c.reason != "" && d.Reason != c.reason {
				t.Errorf("reason %q, want %q", d.Reason, c.reason)
			}
			if rep.ErrorRate.Count != 10 || rep.ErrorRate.N != 20 {
				t.Errorf("error rate from %d of %d answers, want the keeper's 10 of 20", rep.ErrorRate.Count, rep.ErrorRate.N)
			}
		})
	}
}

// simulateStudy returns the trials of raters raters, each answering n
// scored trials (half generated), with rater error rates drawn uniformly
// from [e − spread, e + spread]: the population's error rate is e.
func simulateStudy(rng *tensor.RNG, raters, n int, e, spread float64) []Trial {
	trials := make([]Trial, 0, raters*n)
	for r := range raters {
		er := e + spread*(2*rng.Uniform()-1)
		name := fmt.Sprintf("r%02d", r)
		for k := range n {
			trials = append(trials, answer(name, k%2 == 0, rng.Uniform() < er))
		}
	}
	return trials
}

// TestCoverage is must-show 4: over 400 simulated studies (20 raters of 50
// scored trials, as in the rating page), the 95% intervals of the error
// rate and of the fool rate cover the true rate 0.3 in 90–98% of studies,
// both when the raters are alike and when their error rates differ. Time
// budget: about 1 s on one core (500 resamples per study).
func TestCoverage(t *testing.T) {
	const truth, studies = 0.3, 400
	for _, spread := range []float64{0, 0.15} {
		rng := tensor.NewRNG(17)
		opts := DefaultOptions()
		opts.Resamples = 500
		coverErr, coverFool := 0, 0
		for s := range studies {
			opts.Seed = uint64(s)
			rep, err := Summarize(simulateStudy(rng, 20, 50, truth, spread), opts)
			if err != nil {
				t.Fatal(err)
			}
			if rep.ErrorRate.Lo <= truth && truth <= rep.ErrorRate.Hi {
				coverErr++
			}
			if rep.FoolRate.Lo <= truth && truth <= rep.FoolRate.Hi {
				coverFool++
			}
		}
		for name, c := range map[string]int{"error rate": coverErr, "fool rate": coverFool} {
			got := float64(c) / studies
			t.Logf("raters' error rates 0.3 ± %.2f: 95%% %s interval covers the truth in %.3f of %d studies", spread, name, got, studies)
			if got < 0.90 || got > 0.98 {
				t.Errorf("raters' error rates 0.3 ± %.2f: %s coverage %.3f, want 0.90–0.98", spread, name, got)
			}
		}
	}
}

func TestSummarizeDeterministic(t *testing.T) {
	trials := simulateStudy(tensor.NewRNG(3), 8, 20, 0.35, 0.1)
	opts := DefaultOptions()
	opts.Resamples = 300
	a, err := Summarize(trials, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Summarize(trials, opts)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("two runs with seed %d differ:\n%+v\n%+v", opts.Seed, a, b)
	}
	shuffled := make([]Trial, len(trials))
	for i, j := range tensor.NewRNG(4).Perm(len(trials)) {
		shuffled[i] = trials[j]
	}
	c, _ := Summarize(shuffled, opts)
	if !reflect.DeepEqual(a, c) {
		t.Fatalf("shuffling the trials changed the report:\n%+v\n%+v", a, c)
	}
	opts.Seed++
	d, _ := Summarize(trials, opts)
	if d.ErrorRate.Value != a.ErrorRate.Value || (d.ErrorRate.Lo == a.ErrorRate.Lo && d.ErrorRate.Hi == a.ErrorRate.Hi) {
		t.Errorf("seed %d: error rate %v [%v, %v]; seed %d: %v [%v, %v]; want the same value, other interval ends",
			opts.Seed-1, a.ErrorRate.Value, a.ErrorRate.Lo, a.ErrorRate.Hi, opts.Seed, d.ErrorRate.Value, d.ErrorRate.Lo, d.ErrorRate.Hi)
	}
}

func TestSummarizeErrors(t *testing.T) {
	good := join(repeat(3, answer("a", true, true)), repeat(3, answer("a", false, false)))
	with := func(i int, f func(*Trial)) []Trial {
		out := append([]Trial(nil), good...)
		f(&out[i])
		return out
	}
	opt := func(f func(*Options)) Options { o := DefaultOptions(); f(&o); return o }
	goldWrong := answer("b", true, true)
	goldWrong.Gold = true
	goldWrongA := answer("a", true, true)
	goldWrongA.Gold = true
	cases := []struct {
		name   string
		trials []Trial
		opts   Options
		want   string
		tooFew bool
	}{
		{"no trials", nil, DefaultOptions(), "no trials", false},
		{"no rater", with(2, func(t *Trial) { t.Rater = "" }), DefaultOptions(), `trial 2 (item "a-true"): field "Rater"`, false},
		{"negative time", with(4, func(t *Trial) { t.Millis = -1 }), DefaultOptions(), `trial 4 (rater "a", item "a-false"): field "Millis": want an answer time ≥ 0, got -1`, false},
		{"level 0", good, opt(func(o *Options) { o.Level = 0 }), `field "Level"`, false},
		{"level 1", good, opt(func(o *Options) { o.Level = 1 }), `field "Level"`, false},
		{"level NaN", good, opt(func(o *Options) { o.Level = math.NaN() }), `field "Level"`, false},
		{"no resamples", good, opt(func(o *Options) { o.Resamples = 0 }), `field "Resamples"`, false},
		{"negative MinMillis", good, opt(func(o *Options) { o.MinMillis = -5 }), `field "MinMillis"`, false},
		{"negative MaxGoldErrors", good, opt(func(o *Options) { o.MaxGoldErrors = -1 }), `field "MaxGoldErrors"`, false},
		{"all dropped", join(good, repeat(2, goldWrong), repeat(1, goldWrongA)), opt(func(o *Options) { o.MaxGoldErrors = 0 }), "all 2 raters dropped", true},
		{"no generated", repeat(4, answer("a", false, false)), DefaultOptions(), "no scored trial shows a generated image", true},
		{"no real", repeat(4, answer("a", true, false)), DefaultOptions(), "no scored trial shows a real image", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := Summarize(c.trials, c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if errors.Is(err, ErrTooFew) != c.tooFew {
				t.Errorf("errors.Is(%v, ErrTooFew) = %v, want %v", err, !c.tooFew, c.tooFew)
			}
			if c.name == "all dropped" && len(rep.Dropped) != 2 {
				t.Errorf("report lists %d dropped raters, want 2", len(rep.Dropped))
			}
		})
	}
}

// Drawing from newBinomialCDF(n, p) has the binomial's mean and variance.
func TestBinomialDraws(t *testing.T) {
	rng := tensor.NewRNG(5)
	for _, c := range []struct {
		n int
		p float64
	}{{1, 0.5}, {7, 0.2}, {50, 0.31}, {25, 0}, {25, 1}} {
		cdf := newBinomialCDF(c.n, c.p)
		const draws = 20000
		var sum, sum2 float64
		for range draws {
			x := float64(cdf.draw(rng))
			if x < 0 || x > float64(c.n) {
				t.Fatalf("Bin(%d, %v) drew %v", c.n, c.p, x)
			}
			sum += x
			sum2 += x * x
		}
		mean := sum / draws
		variance := sum2/draws - mean*mean
		wantMean, wantVar := float64(c.n)*c.p, float64(c.n)*c.p*(1-c.p)
		if math.Abs(mean-wantMean) > 4*math.Sqrt(wantVar/draws)+1e-12 || math.Abs(variance-wantVar) > 0.05*wantVar+1e-12 {
			t.Errorf("Bin(%d, %v): mean %.4f variance %.4f, want %.4f and %.4f", c.n, c.p, mean, variance, wantMean, wantVar)
		}
	}
}

func TestQuantile(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.5, 3}, {0.25, 2}, {0.1, 1.4}, {1, 5}} {
		if got := quantile(x, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("quantile(1..5, %v) = %v, want %v", c.q, got, c.want)
		}
	}
}
