package csdi

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/series"
	"github.com/diffusego/diffusego/tensor"
)

// TestInterpolate checks the interpolated input on hand-computed columns:
// a gap between two values, holds at both ends, a column with nothing
// observed (0), and a second window of the batch on its own.
func TestInterpolate(t *testing.T) {
	const l = 5
	cond := []float32{
		0, 2, 0, 0, 8, // window 0, column 0: rows 1 and 4 observed
		0, 0, 0, 0, 0, // window 0, column 1: nothing
		3, 0, 0, 0, 0, // window 1, column 0: row 0 only
		0, 0, 1, 0, 0, // window 1, column 1: row 2 only
	}
	mask := []float32{
		0, 1, 0, 0, 1,
		0, 0, 0, 0, 0,
		1, 0, 0, 0, 0,
		0, 0, 1, 0, 0,
	}
	want := []float32{
		2, 2, 4, 6, 8,
		0, 0, 0, 0, 0,
		3, 3, 3, 3, 3,
		1, 1, 1, 1, 1,
	}
	got := Interpolate(cond, mask, 2, 2, l)
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Fatalf("Interpolate = %v, want %v", got, want)
		}
	}
	// It is series.LinearInterp on a window with every column observed somewhere.
	vals := [][]float64{{0}, {2}, {0}, {0}, {8}}
	obs := [][]bool{{false}, {true}, {false}, {false}, {true}}
	ref, err := series.LinearInterp(vals, obs, [][]bool{{false}, {false}, {false}, {false}, {false}})
	if err != nil {
		t.Fatal(err)
	}
	for r := range l {
		if float32(ref[r][0]) != got[r] {
			t.Errorf("row %d: %v, series.LinearInterp %v", r, got[r], ref[r][0])
		}
	}
}

// TestSeasonFeatures: 1 January is phase 0 (sin 0, cos 1), 2 July 2015 is
// half a year on (day 183 of 365 → f = 182/365), the second harmonic is at
// twice the angle, a time of day moves the phase, and a missing date is an
// error naming its row.
func TestSeasonFeatures(t *testing.T) {
	times := []time.Time{
		time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2015, 7, 2, 0, 0, 0, 0, time.UTC),
		time.Date(2016, 12, 31, 12, 0, 0, 0, time.UTC), // leap year: f = (365 + 0.5)/366
	}
	got, err := SeasonFeatures(times, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range []float64{0, 182.0 / 365, 365.5 / 366} {
		for j := 1; j <= 2; j++ {
			a := 2 * math.Pi * float64(j) * f
			s, c := got[i*4+2*(j-1)], got[i*4+2*(j-1)+1]
			if math.Abs(float64(s)-math.Sin(a)) > 1e-6 || math.Abs(float64(c)-math.Cos(a)) > 1e-6 {
				t.Errorf("row %d harmonic %d: (%v, %v), want (%v, %v)", i, j, s, c, math.Sin(a), math.Cos(a))
			}
		}
	}
	if _, err := SeasonFeatures([]time.Time{times[0], {}}, 1); err == nil || !strings.Contains(err.Error(), "row 1") {
		t.Errorf("a zero date: err = %v, want one naming row 1", err)
	}
}

// dated is synthetic(n) with daily dates from 2020-01-01.
func dated(n int) *series.Series {
	s := synthetic(n)
	for t := range n {
		s.Times = append(s.Times, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, t))
	}
	return s
}

// TestSeasonInterpModel: a model with both extra inputs trains (its loss
// finite), samples a dated window keeping the conditioning cells, and
// forecasts past the end of the series (future dates from NextTimes); it
// refuses a window without dates and undated training data, and its
// output depends on the dates and on the interpolated input.
func TestSeasonInterpModel(t *testing.T) {
	s := dated(30)
	c := tinyConfig(2, 6, 0, false)
	c.Columns, c.Interp, c.Season = s.Columns, true, 2
	sc, err := series.FitScaler(s.Columns, s.Values)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(c, sc, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	m.SampleSteps = 3
	rng := tensor.NewRNG(2)
	rng.FillNormal(m.Net.Out2.Weight.V.Value, 0, 0.5)
	tr := newTrainer(t, m, s, 2)
	if loss, err := tr.TrainStep(); err != nil || math.IsNaN(loss) {
		t.Fatalf("train step: loss %v, err %v", loss, err)
	}
	ws, err := series.MakeWindows(s, sc, nil, []int{10}, 6)
	if err != nil {
		t.Fatal(err)
	}
	w := ws[0]
	w.Target[2][0], w.Values[2][0] = true, 0
	out, err := m.Sample(context.Background(), w, 2, tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	if out[0][0][0] != w.Values[0][0] || math.IsNaN(out[0][2][0]) {
		t.Errorf("sample: conditioning cell %v (want %v), target %v", out[0][0][0], w.Values[0][0], out[0][2][0])
	}
	if f, err := m.Forecast(context.Background(), s, 2, 2, 1); err != nil || len(f[0]) != 2 {
		t.Errorf("forecast: %v rows, err %v", len(f), err)
	}
	undated := w
	undated.Times = nil
	if _, err := m.Sample(context.Background(), undated, 1, tensor.NewRNG(1)); err == nil || !strings.Contains(err.Error(), "dates") {
		t.Errorf("a window without dates: err = %v, want one about the dates", err)
	}
	if _, err := NewTask(m, synthetic(30), 2, DefaultMasks); err == nil || !strings.Contains(err.Error(), "dates") {
		t.Errorf("training on a numeric time column: err = %v, want one about the dates", err)
	}

	// The network reads the season and the interpolation.
	in := Input{B: 1, T: []int{3}, Noisy: make([]float32, 12), Cond: make([]float32, 12), Mask: make([]float32, 12)}
	in.Cond[0], in.Mask[0], in.Cond[5], in.Mask[5] = 1, 1, -1, 1 // column 0: rows 0 and 5
	in.Season, _ = SeasonFeatures(w.Times, 2)
	base := append([]float32(nil), m.Net.Forward(autograd.NoGrad(), in).Value.Data...)
	in.Season, _ = SeasonFeatures(s.Times[20:26], 2)
	if moved := m.Net.Forward(autograd.NoGrad(), in).Value.Data; moved[2] == base[2] {
		t.Error("ε̂ did not change with the dates")
	}
	a := Interpolate(in.Cond, in.Mask, 1, 2, 6)
	if math.Abs(float64(a[2])-(1+0.4*(-2))) > 1e-6 {
		t.Errorf("interpolated input at row 2: %v, want %v", a[2], 1+0.4*(-2))
	}
}

// TestValidateFeatures: the extra inputs refuse an unconditional model
// (no condition to interpolate, no dates to sample) and negative harmonics.
func TestValidateFeatures(t *testing.T) {
	for _, tc := range []struct {
		field string
		edit  func(*Config)
	}{{"interp", func(c *Config) { c.Interp, c.Unconditional = true, true }},
		{"season", func(c *Config) { c.Season = -1 }},
		{"season", func(c *Config) { c.Season, c.Unconditional = 1, true }}} {
		c := tinyConfig(2, 4, 0, false)
		tc.edit(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `"`+tc.field+`"`) {
			t.Errorf("%+v: err = %v, want one naming %q", c, err, tc.field)
		}
	}
}

// TestScaleSpread: the median stays, every distance from it is scaled by
// τ (so the 5–95% interval is τ times as wide), and kept cells are not
// touched.
func TestScaleSpread(t *testing.T) {
	var samples [][][]float64
	for k := range 5 {
		samples = append(samples, [][]float64{{float64(k), 7}}) // cell (0,0): 0 … 4; cell (0,1) kept
	}
	before := Quantile(samples, 0.95)[0][0] - Quantile(samples, 0.05)[0][0]
	ScaleSpread(samples, [][]bool{{false, true}}, 1.5)
	for k, want := range []float64{-1, 0.5, 2, 3.5, 5} {
		if samples[k][0][0] != want || samples[k][0][1] != 7 {
			t.Errorf("sample %d: %v, want [%v 7]", k, samples[k][0], want)
		}
	}
	if after := Quantile(samples, 0.95)[0][0] - Quantile(samples, 0.05)[0][0]; math.Abs(after-1.5*before) > 1e-12 {
		t.Errorf("5–95%% width %v, want 1.5 × %v", after, before)
	}
}
