package series

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/diffusego/diffusego/tensor"
)

func weather2015(t *testing.T) (s *Series, sc *Scaler, lo int) {
	t.Helper()
	s, err := Read("testdata/seattle-weather.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	lo = s.Index(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	sc, err = FitScaler(s.Columns, s.Values[:lo])
	if err != nil {
		t.Fatal(err)
	}
	return s, sc, lo
}

// TestMakeWindowsHidesTargets: a window shows only its conditioning cells,
// normalised; targets and missing cells read 0.
func TestMakeWindowsHidesTargets(t *testing.T) {
	s, sc, lo := weather2015(t)
	s.Values[lo+3][2] = math.NaN() // a real gap
	target := RandomMask(s.Observed(), lo, s.Len(), 0.5, tensor.NewRNG(1))
	starts, _ := Windows(lo, s.Len(), 30, 30)
	ws, err := MakeWindows(s, sc, target, starts, 30)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 12 || len(ws[0].Covariates[0]) != 5 {
		t.Fatalf("%d windows with %d covariates, want 12 and 5 (one-hot weather)", len(ws), len(ws[0].Covariates[0]))
	}
	for _, w := range ws {
		for i := range w.Values {
			for d, v := range w.Values[i] {
				r := w.Start + i
				switch {
				case w.Target[i][d] != target[r][d]:
					t.Fatalf("row %d column %d: target %v, want %v", r, d, w.Target[i][d], target[r][d])
				case !w.Observed[i][d] || w.Target[i][d]:
					if v != 0 {
						t.Fatalf("row %d column %d (observed %v, target %v) reads %v, want 0", r, d, w.Observed[i][d], w.Target[i][d], v)
					}
				case !near(v, (s.Values[r][d]-sc.Mean[d])/sc.Std[d], 1e-12):
					t.Fatalf("row %d column %d reads %v, want the normalised value", r, d, v)
				}
			}
		}
	}
	if _, err := MakeWindows(s, sc, target, []int{s.Len() - 5}, 30); err == nil {
		t.Error("window past the end: no error")
	}
}

// TestEvaluateModel: linear interpolation through PointModel (normalised
// windows, back to °C and mm) scores exactly as linear interpolation on the
// raw windows, because both maps are affine per column.
func TestEvaluateModel(t *testing.T) {
	s, sc, lo := weather2015(t)
	target := RandomMask(s.Observed(), lo, s.Len(), 0.3, tensor.NewRNG(2))
	starts, _ := Windows(lo, s.Len(), 36, 36)
	ws, err := MakeWindows(s, sc, target, starts, 36)
	if err != nil {
		t.Fatal(err)
	}
	got, err := EvaluateModel(context.Background(), PointModel{LinearInterp}, s, sc, ws, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	var acc Accumulator
	for _, st := range starts {
		raw, tgt := s.Values[st:st+36], target[st:st+36]
		fill, err := LinearInterp(raw, ObservedMask(raw), tgt)
		if err != nil {
			t.Fatal(err)
		}
		if err := acc.Add(raw, tgt, [][][]float64{fill}); err != nil {
			t.Fatal(err)
		}
	}
	want, err := acc.Scores()
	if err != nil {
		t.Fatal(err)
	}
	if !near(got.CRPS, want.CRPS, 1e-9) || !near(got.MAE, want.MAE, 1e-9) || got.N != want.N {
		t.Errorf("through the model: %+v; on raw windows: %+v", got, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := EvaluateModel(ctx, PointModel{LinearInterp}, s, sc, ws, 1, 1); err == nil {
		t.Error("cancelled context: no error")
	}
}

// TestPointModelEmptyColumn: a column whose every cell is a target takes 0
// (the training mean); the other column is imputed as usual.
func TestPointModelEmptyColumn(t *testing.T) {
	w := Window{
		Values:   [][]float64{{0, 1}, {0, 0}, {0, 3}},
		Observed: [][]bool{{true, true}, {true, true}, {true, true}},
		Target:   [][]bool{{true, false}, {true, true}, {true, false}},
	}
	got, err := PointModel{LinearInterp}.Sample(context.Background(), w, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]float64{{0, 1}, {0, 2}, {0, 3}}; !reflect.DeepEqual(got[0], want) {
		t.Errorf("fill = %v, want %v", got[0], want)
	}
}
