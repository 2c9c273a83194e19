package csdi

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/diffusego/diffusego/series"
	"github.com/diffusego/diffusego/tensor"
)

// TestSampleConditioning: samples keep the conditioning cells exactly, fill
// the others with finite values, have the window's shape, and repeat with
// the same seed; batches of samples draw from their own streams, so a
// smaller Batch gives the same first samples.
func TestSampleConditioning(t *testing.T) {
	s := synthetic(20)
	m := tinyModel(t, s, 6, false)
	m.SampleSteps = 4
	target := make([][]bool, s.Len())
	for r := range target {
		target[r] = []bool{r%2 == 0, false}
	}
	ws, err := series.MakeWindows(s, m.Scaler, target, []int{3}, 6)
	if err != nil {
		t.Fatal(err)
	}
	w := ws[0]
	a, err := m.Sample(context.Background(), w, 5, seeded(7))
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Sample(context.Background(), w, 5, seeded(7))
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 5 || len(a[0]) != 6 || len(a[0][0]) != 2 {
		t.Fatalf("samples of shape (%d, %d, %d), want (5, 6, 2)", len(a), len(a[0]), len(a[0][0]))
	}
	cond := w.Cond()
	for k := range a {
		for r := range a[k] {
			for d, v := range a[k][r] {
				if cond[r][d] && v != w.Values[r][d] {
					t.Errorf("sample %d row %d column %d = %v, want the conditioning value %v", k, r, d, v, w.Values[r][d])
				}
				if math.IsNaN(v) || math.IsInf(v, 0) || v != b[k][r][d] {
					t.Errorf("sample %d row %d column %d: %v, then %v with the same seed", k, r, d, v, b[k][r][d])
				}
			}
		}
	}
	if _, err := m.Sample(context.Background(), series.Window{Values: w.Values[:4], Observed: w.Observed[:4], Target: w.Target[:4]}, 1, seeded(1)); err == nil {
		t.Error("Sample of a 4-row window with a 6-row model: no error")
	}
}

// TestImputeFillsOnlyMissing: observed cells keep their values in every
// sample, missing cells get finite values, also in the last window, which
// overlaps the one before.
func TestImputeFillsOnlyMissing(t *testing.T) {
	s := synthetic(15) // windows at rows 0 and 9 (the last ends at row 14)
	m := tinyModel(t, s, 6, false)
	m.SampleSteps = 3
	out, err := m.Impute(context.Background(), s, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	for k := range out {
		for r := range out[k] {
			for d, v := range out[k][r] {
				want := s.Values[r][d]
				if math.IsNaN(want) && (math.IsNaN(v) || math.IsInf(v, 0)) || !math.IsNaN(want) && v != want {
					t.Errorf("sample %d row %d column %d = %v; data %v", k, r, d, v, want)
				}
			}
		}
	}
}

// TestForecastRefuses: a horizon as long as the window, and a series
// shorter than the history a forecast needs, are errors that say so (the
// file named); a valid forecast has h rows.
func TestForecastRefuses(t *testing.T) {
	s := synthetic(10)
	m := tinyModel(t, s, 6, false)
	m.SampleSteps = 2
	if _, err := m.Forecast(context.Background(), s, 6, 2, 1); err == nil || !strings.Contains(err.Error(), "horizon 6") {
		t.Errorf("horizon 6 with a 6-row window: err = %v, want one about the horizon", err)
	}
	if _, err := m.Forecast(context.Background(), synthetic(3), 2, 2, 1); err == nil || !strings.Contains(err.Error(), "synthetic") || !strings.Contains(err.Error(), "shorter") {
		t.Errorf("3 rows for a 2-row forecast in a 6-row window: err = %v, want one naming the file and saying it is too short", err)
	}
	if _, err := m.Impute(context.Background(), synthetic(5), 2, 1); err == nil || !strings.Contains(err.Error(), "shorter than one window") {
		t.Errorf("imputing 5 rows with a 6-row window: err = %v, want one saying the series is shorter than a window", err)
	}
	out, err := m.Forecast(context.Background(), s, 2, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 3 || len(out[0]) != 2 {
		t.Errorf("forecast of shape (%d, %d), want (3, 2)", len(out), len(out[0]))
	}
}

// TestQuantile checks the interpolated quantile on hand-computed cells.
func TestQuantile(t *testing.T) {
	samples := [][][]float64{{{4}}, {{1}}, {{3}}, {{2}}} // sorted 1 2 3 4
	for _, tc := range []struct{ q, want float64 }{{0.5, 2.5}, {0.05, 1.15}, {1, 4}, {0, 1}} {
		if got := Quantile(samples, tc.q)[0][0]; math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
}

// TestNextTimes: monthly dates step by months, daily by days, numbers by
// their last difference.
func TestNextTimes(t *testing.T) {
	d := func(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	monthly := &series.Series{Times: []time.Time{d(2010, 1, 1), d(2010, 2, 1), d(2010, 3, 1)}}
	got, _ := NextTimes(monthly, 2)
	if !got[0].Equal(d(2010, 4, 1)) || !got[1].Equal(d(2010, 5, 1)) {
		t.Errorf("after monthly dates: %v, want 2010-04-01 and 2010-05-01", got)
	}
	daily := &series.Series{Times: []time.Time{d(2015, 12, 30), d(2015, 12, 31)}}
	if got, _ := NextTimes(daily, 1); !got[0].Equal(d(2016, 1, 1)) {
		t.Errorf("after daily dates: %v, want 2016-01-01", got)
	}
	_, steps := NextTimes(&series.Series{Steps: []float64{0, 2.5}}, 2)
	if len(steps) != 2 || steps[0] != 5 || steps[1] != 7.5 {
		t.Errorf("after steps 0, 2.5: %v, want 5 and 7.5", steps)
	}
}

// seeded is a fresh stream of seed.
func seeded(seed uint64) *tensor.RNG { return tensor.NewRNG(seed) }
