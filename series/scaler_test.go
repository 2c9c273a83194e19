package series

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestScalerRoundTrip(t *testing.T) {
	nan := math.NaN()
	train := [][]float64{{1, 5}, {3, 5}, {nan, 5}, {5, 5}}
	sc, err := FitScaler([]string{"a", "b"}, train)
	if err != nil {
		t.Fatal(err)
	}
	// a: mean 3, population std √(8/3); b constant: std 1.
	if !near(sc.Mean[0], 3, 1e-12) || !near(sc.Std[0], math.Sqrt(8.0/3), 1e-12) || sc.Mean[1] != 5 || sc.Std[1] != 1 {
		t.Errorf("scaler %+v, want mean 3, std √(8/3) and mean 5, std 1", sc)
	}
	test := [][]float64{{7, 6}, {nan, 4}}
	z := sc.Transform(test)
	if !near(z[0][0], 4/math.Sqrt(8.0/3), 1e-12) || !math.IsNaN(z[1][0]) || z[1][1] != -1 {
		t.Errorf("Transform = %v", z)
	}
	back := sc.Inverse(z)
	if !near(back[0][0], 7, 1e-12) || !math.IsNaN(back[1][0]) || back[1][1] != 4 {
		t.Errorf("Inverse(Transform) = %v, want %v", back, test)
	}
	path := filepath.Join(t.TempDir(), "scaler.json")
	if err := sc.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadScaler(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sc) {
		t.Errorf("loaded %+v, saved %+v", got, sc)
	}
	if err := os.WriteFile(path, []byte(`{"columns":["a"],"mean":[0],"std":[0]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadScaler(path); err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("zero std: error %v, want one naming column a", err)
	}
	if _, err := FitScaler([]string{"x"}, [][]float64{{nan}}); err == nil {
		t.Error("all-missing column: no error")
	}
}
