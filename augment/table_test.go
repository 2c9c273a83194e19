package augment

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tabular"
	"github.com/diffusego/diffusego/tensor"
)

// writeCSV writes text to a temporary file and returns its path.
func writeCSV(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A target column that does not exist or has one class is a *TargetError
// naming the file and the column.
func TestTableTargetErrors(t *testing.T) {
	path := writeCSV(t, "x,y,label\n1,2,a\n3,4,a\n5,6,a\n")
	var te *TargetError
	_, err := LoadTable(path, &tabular.Config{Target: "class"})
	if !errors.As(err, &te) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), `"class": no such column`) {
		t.Errorf("missing target: %v", err)
	}
	f, err := LoadTable(path, &tabular.Config{Target: "label"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = TableTarget(f, path, "label")
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "1 class present") {
		t.Errorf("one class: %v", err)
	}
	_, _, err = TableTarget(f, path, "nope")
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "no such column") {
		t.Errorf("missing target in the frame: %v", err)
	}
	_, _, err = TableTarget(f, path, "x")
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "categorical") {
		t.Errorf("numeric target: %v", err)
	}
}

func penguins(t *testing.T) (*tabular.Frame, int, []int) {
	t.Helper()
	f, err := LoadTable("../tabular/testdata/penguins.json", &tabular.Config{Target: "Species", NA: []string{"."}})
	if err != nil {
		t.Fatal(err)
	}
	target, counts, err := TableTarget(f, "penguins.json", "Species")
	if err != nil {
		t.Fatal(err)
	}
	return f, target, counts
}

// SMOTE rows are of the asked class, and every number lies between the
// class's smallest and largest value (a convex combination of two rows).
func TestSMOTE(t *testing.T) {
	f, target, _ := penguins(t)
	want := []int{0, 7, 3}
	syn := SMOTE(f, target, want, 5, tensor.NewRNG(1))
	if syn.Rows() != 10 {
		t.Fatalf("%d rows, want 10", syn.Rows())
	}
	for i := range syn.Rows() {
		c := int(syn.Cols[target][i])
		if (i < 7 && c != 1) || (i >= 7 && c != 2) {
			t.Fatalf("row %d has class %d", i, c)
		}
		for j, col := range f.Schema.Columns {
			v := syn.Cols[j][i]
			if col.Kind.Discrete() || math.IsNaN(v) {
				continue
			}
			lo, hi := math.Inf(1), math.Inf(-1)
			for r, u := range f.Cols[j] {
				if int(f.Cols[target][r]) == c && !math.IsNaN(u) {
					lo, hi = min(lo, u), max(hi, u)
				}
			}
			if v < lo || v > hi {
				t.Fatalf("row %d, %s = %v outside its class's range [%v, %v]", i, col.Name, v, lo, hi)
			}
			if col.Kind == tabular.Integer && v != math.Round(v) {
				t.Fatalf("integer column %s = %v", col.Name, v)
			}
		}
	}
}

// GenerateRows draws the asked classes, the same rows for the same seed,
// and WriteTable writes the same bytes; the manifest records the counts.
func TestGenerateRowsAndWriteTable(t *testing.T) {
	f, target, counts := penguins(t)
	ctx := context.Background()
	m, err := tabular.TrainModel(ctx, f, tabular.ScaleQuantile, tabular.ModelConfig{Width: 16, Layers: 1, Steps: 20}, tabular.TrainOptions{Iters: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []int{0, 4, 2}
	write := func(out string) {
		syn, rep, err := GenerateRows(ctx, m, f, target, want, TableOptions{Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		if syn.Rows() != 6 || rep[1].Kept != 4 || int(syn.Cols[target][0]) != 1 || int(syn.Cols[target][5]) != 2 {
			t.Fatalf("%d rows, reports %+v", syn.Rows(), rep)
		}
		man := Manifest{Source: "penguins.json", ModelSHA256: "x", Seed: 2, Target: "Species", Classes: NewCounts(counts, rep)}
		if err := WriteTable(out, f, syn, man); err != nil {
			t.Fatal(err)
		}
	}
	a, b := filepath.Join(t.TempDir(), "a.csv"), filepath.Join(t.TempDir(), "b.csv")
	write(a)
	write(b)
	for _, pair := range [][2]string{{a, b}, {ManifestPath(a), ManifestPath(b)}} {
		x, _ := os.ReadFile(pair[0])
		y, err := os.ReadFile(pair[1])
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s and %s differ (%v)", pair[0], pair[1], err)
		}
	}
	man, _ := os.ReadFile(ManifestPath(a))
	if !bytes.Contains(man, []byte(`"real_total": 344`)) || !bytes.Contains(man, []byte(`"synthetic_total": 6`)) {
		t.Errorf("manifest:\n%s", man)
	}
	if err := CheckTableOutput(a); err == nil {
		t.Error("an existing output was accepted")
	}
	if err := CheckTableOutput(filepath.Join(t.TempDir(), "x.json")); err == nil {
		t.Error("a .json output was accepted")
	}
	// A filter at probability 1 keeps nothing and stops after MaxTries·count rows.
	syn, rep, err := GenerateRows(ctx, m, f, target, want, TableOptions{Seed: 2, MinConfidence: 1, MaxTries: 2})
	if err != nil || syn.Rows() != 0 || rep[1].Rejected != rep[1].Drawn || rep[1].Drawn < 8 {
		t.Errorf("filter at 1: %d rows, %+v, %v", syn.Rows(), rep, err)
	}
}
