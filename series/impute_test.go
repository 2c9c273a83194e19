package series

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/diffusego/diffusego/tensor"
)

func TestImputersKnownAnswers(t *testing.T) {
	nan := math.NaN()
	// One column; row 1 missing in the data, rows 3 and 4 are targets.
	values := [][]float64{{2}, {nan}, {6}, {7}, {9}, {10}}
	observed := ObservedMask(values)
	target := [][]bool{{false}, {false}, {false}, {true}, {true}, {false}}
	for _, tc := range []struct {
		name string
		f    Imputer
		want []float64
	}{
		{"mean", ColumnMean, []float64{2, 6, 6, 6, 6, 10}},                   // mean of 2, 6, 10
		{"locf", LOCF, []float64{2, 2, 6, 6, 6, 10}},                         // carried forward
		{"linear", LinearInterp, []float64{2, 4, 6, 22.0 / 3, 26.0 / 3, 10}}, // 6 → 10 over 3 rows
	} {
		got, err := tc.f(values, observed, target)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i, w := range tc.want {
			if !near(got[i][0], w, 1e-12) {
				t.Errorf("%s: row %d = %v, want %v", tc.name, i, got[i][0], w)
			}
		}
	}
	// Backward fill and constant ends.
	v2 := [][]float64{{nan}, {nan}, {4}, {nan}}
	for name, f := range map[string]Imputer{"locf": LOCF, "linear": LinearInterp} {
		got, err := f(v2, ObservedMask(v2), newMask(4, 1))
		if err != nil {
			t.Fatal(err)
		}
		if got[0][0] != 4 || got[1][0] != 4 || got[3][0] != 4 {
			t.Errorf("%s: %v, want 4 everywhere", name, got)
		}
	}
	if _, err := LOCF([][]float64{{nan}}, [][]bool{{false}}, [][]bool{{false}}); err == nil {
		t.Error("LOCF of an empty column: no error")
	}
}

func TestImputersNeverReadTargets(t *testing.T) {
	rng := tensor.NewRNG(9)
	values := make([][]float64, 50)
	phase := make([]int, 50)
	for i := range values {
		values[i] = []float64{rng.Normal(), rng.Normal()}
		phase[i] = i % 7
	}
	obs := ObservedMask(values)
	target := RandomMask(obs, 0, 50, 0.4, tensor.NewRNG(1))
	poisoned := CloneValues(values)
	for i := range poisoned {
		for d := range poisoned[i] {
			if target[i][d] {
				poisoned[i][d] = 1e9
			}
		}
	}
	for name, f := range map[string]Imputer{"mean": ColumnMean, "locf": LOCF, "linear": LinearInterp, "seasonal": SeasonalMean(phase, 7, 1)} {
		a, err := f(values, obs, target)
		if err != nil {
			t.Fatal(err)
		}
		b, err := f(poisoned, obs, target)
		if err != nil {
			t.Fatal(err)
		}
		for i := range a {
			for d := range a[i] {
				if target[i][d] && a[i][d] != b[i][d] {
					t.Fatalf("%s: target (%d, %d) depends on the hidden value", name, i, d)
				}
				if !target[i][d] && a[i][d] != values[i][d] {
					t.Fatalf("%s: conditioning cell (%d, %d) changed", name, i, d)
				}
			}
		}
	}
}

func TestSeasonalMean(t *testing.T) {
	// Period 4, phases 0..3 repeating; values = 10·phase + year.
	var values [][]float64
	var phase []int
	for year := range 3 {
		for p := range 4 {
			values = append(values, []float64{float64(10*p + year)})
			phase = append(phase, p)
		}
	}
	target := newMask(len(values), 1)
	target[9][0] = true // year 2, phase 1: the mean of 10 and 11
	got, err := SeasonalMean(phase, 4, 0)(values, ObservedMask(values), target)
	if err != nil {
		t.Fatal(err)
	}
	if got[9][0] != 10.5 {
		t.Errorf("phase mean = %v, want 10.5", got[9][0])
	}
	// Half-width 1 at phase 1 averages phases 0, 1, 2 over the conditioning cells:
	// (0+1+2) + (10+11) + (20+21+22) = 87 over 8 cells.
	got, err = SeasonalMean(phase, 4, 1)(values, ObservedMask(values), target)
	if err != nil {
		t.Fatal(err)
	}
	if !near(got[9][0], 87.0/8, 1e-12) {
		t.Errorf("smoothed = %v, want %v", got[9][0], 87.0/8)
	}
}

func TestDayOfYear(t *testing.T) {
	d := func(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	got := DayOfYear([]time.Time{d(2012, 1, 1), d(2012, 2, 28), d(2012, 2, 29), d(2012, 3, 1), d(2013, 3, 1), d(2012, 12, 31), d(2013, 12, 31)})
	if want := []int{0, 58, 58, 59, 59, 364, 364}; !reflect.DeepEqual(got, want) {
		t.Errorf("DayOfYear = %v, want %v", got, want)
	}
}

func TestSeasonalDraws(t *testing.T) {
	// Phase 0 holds 1, 2, 3 in three years; phase 1 holds 10, 20, 30. A
	// target at phase 1 draws only from {10, 20, 30} minus itself.
	values := [][]float64{{1}, {10}, {2}, {20}, {3}, {30}}
	phase := []int{0, 1, 0, 1, 0, 1}
	target := newMask(6, 1)
	target[5][0] = true
	draws, err := SeasonalDraws(values, ObservedMask(values), target, phase, 2, 0, 400, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[float64]int{}
	for _, s := range draws {
		seen[s[5][0]]++
		if s[0][0] != 1 || s[3][0] != 20 {
			t.Fatalf("conditioning cells changed: %v", s)
		}
	}
	if len(seen) != 2 || seen[10] < 150 || seen[20] < 150 {
		t.Errorf("draws at the target: %v, want about 200 each of 10 and 20", seen)
	}
}
