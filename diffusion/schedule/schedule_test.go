package schedule

import (
	"math"
	"strings"
	"testing"
)

func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Max(math.Abs(want), 1e-300)
}

func TestLinearAlphaBar(t *testing.T) {
	const T = 1000
	s := NewLinear(T, 1e-4, 0.02)
	if got, want := s.AlphaBar(0), 1-1e-4; got != want {
		t.Errorf("Linear(1000).AlphaBar(0) = %.17g, want %.17g", got, want)
	}
	if got := s.Beta(0); got != 1e-4 {
		t.Errorf("Linear(1000).Beta(0) = %.17g, want 1e-4 exactly", got)
	}
	if got := s.Beta(T - 1); got != 0.02 {
		t.Errorf("Linear(1000).Beta(999) = %.17g, want 0.02 exactly", got)
	}
	// The product written out: β_i = 1e-4 + i·(0.02−1e-4)/999.
	want := 1.0
	for i := range T {
		want *= 1 - (1e-4 + float64(i)*(0.02-1e-4)/999)
	}
	if got := s.AlphaBar(T - 1); !near(got, want, 1e-12) {
		t.Errorf("Linear(1000).AlphaBar(999) = %.12g, want %.12g", got, want)
	}
	if got := s.AlphaBar(T - 1); !near(got, 4.035e-5, 1e-3) { // the familiar DDPM value
		t.Errorf("Linear(1000).AlphaBar(999) = %.6g, want ≈ 4.035e-5", got)
	}
}

func TestCosineAlphaBarClosedForm(t *testing.T) {
	const T, s = 1000, 0.008
	c := NewCosine(T, s)
	f := func(u float64) float64 { x := math.Cos((u + s) / (1 + s) * math.Pi / 2); return x * x }
	for _, step := range []int{0, 1, 10, 250, 499, 750, 900, 980} {
		want := f(float64(step+1)/T) / f(0)
		if got := c.AlphaBar(step); !near(got, want, 1e-10) {
			t.Errorf("Cosine(1000).AlphaBar(%d) = %.12g, want f(%d/T)/f(0) = %.12g", step, got, step+1, want)
		}
	}
	for _, u := range []float64{0, 0.1, 0.5, 0.9} {
		if got, want := c.AlphaBarAt(u), f(u)/f(0); !near(got, want, 1e-14) {
			t.Errorf("Cosine.AlphaBarAt(%g) = %.12g, want %.12g", u, got, want)
		}
	}
	for step := 1; step < T; step++ {
		if c.AlphaBar(step) >= c.AlphaBar(step-1) {
			t.Fatalf("Cosine(1000).AlphaBar(%d) = %g ≥ AlphaBar(%d) = %g, want strictly decreasing", step, c.AlphaBar(step), step-1, c.AlphaBar(step-1))
		}
	}
	if got := c.Beta(T - 1); got != 0.999 {
		t.Errorf("Cosine(1000).Beta(999) = %g, want clipped at 0.999", got)
	}
}

func TestSigmoidAlphaBar(t *testing.T) {
	const T = 1000
	s := NewSigmoid(T, -3, 3, 1, 0.999)
	if got := s.AlphaBarAt(0); !near(got, 1, 1e-14) {
		t.Errorf("Sigmoid.AlphaBarAt(0) = %.15g, want 1", got)
	}
	if got := s.AlphaBarAt(0.5); !near(got, 0.5, 1e-12) { // symmetric around start+end = 0
		t.Errorf("Sigmoid.AlphaBarAt(0.5) = %.15g, want 0.5", got)
	}
	if got := s.AlphaBar(499); !near(got, s.AlphaBarAt(0.5), 1e-10) {
		t.Errorf("Sigmoid(1000).AlphaBar(499) = %.12g, want AlphaBarAt(500/1000) = %.12g", got, s.AlphaBarAt(0.5))
	}
	for step := 1; step < T; step++ {
		if s.AlphaBar(step) >= s.AlphaBar(step-1) {
			t.Fatalf("Sigmoid(1000).AlphaBar(%d) = %g ≥ AlphaBar(%d) = %g, want strictly decreasing", step, s.AlphaBar(step), step-1, s.AlphaBar(step-1))
		}
	}
}

func TestDerivedQuantitiesAgreeWithAlphaBar(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    Schedule
	}{
		{"linear", NewLinear(1000, 1e-4, 0.02)},
		{"cosine", NewCosine(1000, 0.008)},
		{"sigmoid", NewSigmoid(1000, -3, 3, 1, 0.999)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, step := range []int{0, 100, 500, 998} {
				ab := tc.s.AlphaBar(step)
				if got, want := tc.s.SNR(step), ab/(1-ab); !near(got, want, 1e-12) {
					t.Errorf("SNR(%d) = %g, want ᾱ/(1−ᾱ) = %g", step, got, want)
				}
				if got, want := tc.s.LogSNR(step), math.Log(ab/(1-ab)); !near(got, want, 1e-9) {
					t.Errorf("LogSNR(%d) = %g, want log(ᾱ/(1−ᾱ)) = %g", step, got, want)
				}
				sig := tc.s.Sigma(step)
				if got, want := sig*sig, 1/tc.s.SNR(step); !near(got, want, 1e-12) {
					t.Errorf("Sigma(%d)² = %g, want 1/SNR = %g", step, got, want)
				}
				if got := SigmaToAlphaBar(sig); !near(got, ab, 1e-12) {
					t.Errorf("SigmaToAlphaBar(Sigma(%d)) = %g, want ᾱ = %g", step, got, ab)
				}
				if got, want := tc.s.Alpha(step), 1-tc.s.Beta(step); got != want {
					t.Errorf("Alpha(%d) = %g, want 1−β = %g", step, got, want)
				}
			}
		})
	}
}

func TestNewByName(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sched   string
		params  map[string]float64
		wantErr string
		check   func(Schedule) bool
	}{
		{"linear defaults", "linear", nil, "", func(s Schedule) bool { return s.Beta(0) == 1e-4 && s.Beta(99) == 0.02 }},
		{"linear params", "linear", map[string]float64{"beta_end": 0.01}, "", func(s Schedule) bool { return s.Beta(99) == 0.01 }},
		{"cosine", "cosine", map[string]float64{"s": 0.008}, "", func(s Schedule) bool { _, ok := s.(*Cosine); return ok }},
		{"cosine max_beta", "cosine", map[string]float64{"max_beta": 0.5}, "", func(s Schedule) bool { return s.Beta(99) == 0.5 }},
		{"sigmoid", "sigmoid", map[string]float64{"tau": 0.5}, "", func(s Schedule) bool { return s.(*Sigmoid).Tau == 0.5 }},
		{"unknown name", "quadratic", nil, `unknown name "quadratic"`, nil},
		{"unknown param", "cosine", map[string]float64{"beta_end": 1}, `unknown parameter "beta_end": want one of max_beta, s`, nil},
		{"bad sigmoid", "sigmoid", map[string]float64{"start": 3, "end": -3}, "want start < end", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(tc.sched, 100, tc.params)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("New(%q, 100, %v) error = %v, want one containing %q", tc.sched, tc.params, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%q, 100, %v) error = %v, want nil", tc.sched, tc.params, err)
			}
			if s.Steps() != 100 || !tc.check(s) {
				t.Errorf("New(%q, 100, %v) = a schedule failing its check (steps %d)", tc.sched, tc.params, s.Steps())
			}
		})
	}
	if _, err := New("linear", 0, nil); err == nil {
		t.Errorf("New(\"linear\", 0, nil) error = nil, want a steps error")
	}
}

func TestConfigJSON(t *testing.T) {
	c, err := ParseConfig([]byte(`{"name": "cosine", "steps": 50, "params": {"s": 0.01}}`))
	if err != nil {
		t.Fatalf("ParseConfig error = %v", err)
	}
	s, err := c.Build()
	if err != nil {
		t.Fatalf("Config.Build error = %v", err)
	}
	if cs, ok := s.(*Cosine); !ok || cs.S != 0.01 || cs.Steps() != 50 {
		t.Errorf("Config.Build() = %#v, want Cosine with s 0.01 and 50 steps", s)
	}
	if _, err := ParseConfig([]byte(`{"name": "cosine", "stpes": 50}`)); err == nil || !strings.Contains(err.Error(), "stpes") {
		t.Errorf("ParseConfig with a misspelt field: error = %v, want one naming \"stpes\"", err)
	}
}

func TestLinearContinuous(t *testing.T) {
	s := NewLinear(1000, 1e-4, 0.02)
	var sum float64
	for step := range 1000 {
		sum += s.Beta(step)
	}
	if got := -math.Log(s.AlphaBarAt(1)); !near(got, sum, 1e-12) {
		t.Errorf("−log Linear.AlphaBarAt(1) = %.12g, want Σβ = %.12g", got, sum)
	}
	// −d log ᾱ/du = T·β(u): central difference at u = 0.3.
	const u, h = 0.3, 1e-5
	got := -(math.Log(s.AlphaBarAt(u+h)) - math.Log(s.AlphaBarAt(u-h))) / (2 * h)
	if want := 1000 * (1e-4 + u*(0.02-1e-4)); !near(got, want, 1e-8) {
		t.Errorf("−d log ᾱ/du at %g = %.10g, want T·β(u) = %.10g", u, got, want)
	}
	var _ Continuous = s
	var _ Continuous = NewCosine(10, 0.008)
	var _ Continuous = NewSigmoid(10, -3, 3, 1, 0.999)
}
