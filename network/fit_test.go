package network

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// poisson draws from Poisson(mu), exactly, by Knuth's product of uniforms
// on pieces of mean at most 30 (sums of independent Poissons are Poisson).
func poisson(rng *tensor.RNG, mu float64) float64 {
	n := 0.0
	for mu > 0 {
		m := min(mu, 30)
		mu -= m
		l, p := math.Exp(-m), rng.Uniform()
		for p > l {
			n++
			p *= rng.Uniform()
		}
	}
	return n
}

// synthetic returns Poisson counts around the SIR incidence of p.
func synthetic(p sirParams, days int, seed uint64) []float64 {
	mu := make([]float64, days)
	sirIncidence(p, mu)
	rng := tensor.NewRNG(seed)
	y := make([]float64, days)
	for t := range y {
		y[t] = poisson(rng, mu[t])
	}
	return y
}

// TestSIRIncidenceGrowth checks the model's early growth factor: while
// S ≈ N, cases grow by 1 + (R0 − 1)/D a day.
func TestSIRIncidenceGrowth(t *testing.T) {
	p := sirParams{r0: 2.5, d: 4, i0: 1, n: 1e12}
	mu := make([]float64, 40)
	sirIncidence(p, mu)
	want := 1 + (p.r0-1)/p.d
	if got := mu[39] / mu[38]; math.Abs(got-want) > 1e-6 {
		t.Errorf("growth factor %.8f, want %.8f", got, want)
	}
	p.n = 1000 // a finite population: everything adds up
	mu = make([]float64, 400)
	sirIncidence(p, mu)
	total := 0.0
	for _, m := range mu {
		total += m
	}
	// The final size z solves z = 1 − exp(−R0·z) (i0 small): z ≈ 0.8926 for R0 = 2.5.
	z := 0.5
	for range 200 {
		z = 1 - math.Exp(-p.r0*z)
	}
	if math.Abs(total/p.n-z) > 0.01 {
		t.Errorf("final size %.4f of N, want ≈ %.4f", total/p.n, z)
	}
}

// TestFitSIRSynthetic fits data drawn from known parameters and checks that
// the true R0 lies in the 95% profile interval, that the interval is
// informative, and that the growth fit agrees. Budget: about a second.
func TestFitSIRSynthetic(t *testing.T) {
	truth := sirParams{r0: 2.2, d: 5, i0: 4, n: 4000}
	cases := []struct {
		name string
		opt  FitOptions
		seed uint64
	}{
		{"poisson, D and N fitted", FitOptions{}, 1},
		{"poisson, D and N fitted, another draw", FitOptions{}, 2},
		{"negbin, D fixed", FitOptions{Likelihood: NegBin, D: 5}, 3},
		{"poisson, N and D fixed", FitOptions{N: 4000, D: 5}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			y := synthetic(truth, 80, c.seed)
			fit, err := FitSIR(y, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("R0 %.3f [%.3f, %.3f], D %.2f, N %.0f, I0 %.2f, k %.3g, deviance %.1f on %d days",
				fit.R0, fit.R0Lo, fit.R0Hi, fit.D, fit.N, fit.I0, fit.K, fit.Deviance, len(y))
			if !(fit.R0Lo <= truth.r0 && truth.r0 <= fit.R0Hi) {
				t.Errorf("true R0 %.2f outside the interval [%.3f, %.3f]", truth.r0, fit.R0Lo, fit.R0Hi)
			}
			// With D free, R0 and D trade off and the interval is wide; with D
			// fixed the curve pins R0 down.
			width := 5.0
			if c.opt.D > 0 {
				width = 0.3
			}
			if !(fit.R0Lo < fit.R0 && fit.R0 < fit.R0Hi) || fit.R0Hi-fit.R0Lo > width {
				t.Errorf("interval [%.3f, %.3f] around %.3f: want it to hold the estimate and be narrower than %v", fit.R0Lo, fit.R0Hi, fit.R0, width)
			}
			// Poisson data: the deviance is about χ² with T − p degrees of freedom.
			if df := float64(len(y) - fit.Params); fit.Deviance > df+4*math.Sqrt(2*df) {
				t.Errorf("deviance %.1f for %v degrees of freedom", fit.Deviance, df)
			}
			g, err := FitGrowth(y, 0, fit.D)
			if err != nil {
				t.Fatal(err)
			}
			// By the end of the window susceptibles are a few per cent down, so
			// the log-linear rate is biased low; 15% bounds that bias here.
			if r := math.Log(1 + (truth.r0-1)/truth.d); math.Abs(g.R-r) > 0.15*r || g.RHi < 0.9*r {
				t.Errorf("growth rate %.4f [%.4f, %.4f], true early rate %.4f", g.R, g.RLo, g.RHi, r)
			}
			if e := fit.EarlyDevianceOver(y, g); !(e > 0) {
				t.Errorf("early deviance %v", e)
			}
		})
	}
}

// TestFitGrowthExact checks the regression on noiseless exponential data:
// r, the intercept and R0 = 1 + (e^r − 1)D come back exactly.
func TestFitGrowthExact(t *testing.T) {
	y := make([]float64, 30)
	for i := range y {
		y[i] = 3 * math.Exp(0.15*float64(i)) // not whole counts: the regression does not need them
	}
	g, err := FitGrowth(y, 20, 4)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(g.R-0.15) > 1e-9 || math.Abs(g.A-math.Log(3)) > 1e-8 || g.First != 1 || g.Last != 20 {
		t.Errorf("r %.10f a %.10f days %d…%d; want 0.15, ln 3, 1…20", g.R, g.A, g.First, g.Last)
	}
	if want := 1 + math.Expm1(0.15)*4; math.Abs(g.R0-want) > 1e-8 || g.Deviance > 1e-12 {
		t.Errorf("R0 %.8f (want %.8f), deviance %g (want 0)", g.R0, want, g.Deviance)
	}
	if math.Abs(g.Doubling-math.Ln2/0.15) > 1e-8 {
		t.Errorf("doubling time %.4f, want %.4f", g.Doubling, math.Ln2/0.15)
	}
}

func TestEarlyWindow(t *testing.T) {
	y := []float64{0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 64, 32, 16, 8}
	first, last := EarlyWindow(y)
	// Trailing 7-day means peak at index 12 (352/7 = 50.3); a quarter is
	// 12.6, first reached at index 8 (127/7 = 18.1; index 7 has 63/7 = 9).
	if first != 2 || last != 8 {
		t.Errorf("EarlyWindow = %d…%d, want 2…8", first, last)
	}
}

func TestFitBadInput(t *testing.T) {
	good := synthetic(sirParams{r0: 2, d: 3, i0: 2, n: 1000}, 40, 1)
	for _, c := range []struct {
		name string
		y    []float64
		opt  FitOptions
	}{
		{"too short", []float64{1, 5, 9}, FitOptions{}},
		{"too few cases", []float64{1, 0, 2, 0, 1, 0, 1, 0}, FitOptions{}},
		{"negative count", append([]float64{-1}, good...), FitOptions{}},
		{"fractional count", append([]float64{1.5}, good...), FitOptions{}},
		{"bad likelihood", good, FitOptions{Likelihood: "gauss"}},
		{"period under a day", good, FitOptions{D: 0.5}},
		{"population below cases", good, FitOptions{N: 10}},
	} {
		if _, err := FitSIR(c.y, c.opt); err == nil {
			t.Errorf("%s: want an error", c.name)
		}
	}
	if _, err := FitGrowth(good, 0, 0.5); err == nil {
		t.Errorf("FitGrowth with D = 0.5: want an error")
	}
}

func TestReadIncidence(t *testing.T) {
	y, err := ReadIncidence("data/measles1861.csv", "")
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, v := range y {
		total += v
	}
	if len(y) != 48 || total != 187 {
		t.Errorf("measles1861: %d days, %v cases; want 48 and 187", len(y), total)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name, text, column string
		want               []string
	}{
		{"empty", "", "", []string{"e.csv", "an empty file"}},
		{"header only", "day,incidence\n", "", []string{"e.csv:2", "one row per day"}},
		{"negative", "day,incidence\n1,3\n2,-4\n", "", []string{"e.csv:3", `column "incidence"`, `"-4"`}},
		{"not a number", "day,cases\n1,3\n2,x\n", "", []string{"e.csv:3", `column "cases"`}},
		{"missing column", "day,incidence\n1,3\n", "cases", []string{"e.csv:1", `"cases"`}},
		{"ragged", "day,incidence\n1,3\n2\n", "", []string{"e.csv:3", "valid CSV"}},
	} {
		path := filepath.Join(dir, "e.csv")
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadIncidence(path, c.column)
		if err == nil {
			t.Errorf("%s: want an error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", c.name, err, w)
			}
		}
	}
}

// FuzzParseIncidence: no input panics, and what parses is whole counts ≥ 0.
func FuzzParseIncidence(f *testing.F) {
	b, err := os.ReadFile("data/sars2003.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("day,incidence\n1,2\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		y, err := ParseIncidence("fuzz.csv", strings.NewReader(string(b)), "")
		if err != nil {
			return
		}
		for i, v := range y {
			if v < 0 || v != math.Trunc(v) {
				t.Fatalf("day %d: %v", i+1, v)
			}
		}
	})
}
