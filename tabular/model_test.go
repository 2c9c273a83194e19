package tabular

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// tiny is a model small enough for unit tests.
var tiny = ModelConfig{Width: 32, Layers: 2, Steps: 20}

func TestSampleKeepsTypes(t *testing.T) {
	_, f := load(t, "penguins.json", &Config{NA: []string{"."}, Target: "Species"})
	m, err := TrainModel(context.Background(), f, ScaleQuantile, tiny, TrainOptions{Iters: 30, Batch: 64, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	syn, err := m.Sample(context.Background(), 200, SampleOptions{Seed: 2, Balanced: true})
	if err != nil {
		t.Fatal(err)
	}
	// The text of the synthetic rows must read back under the training schema.
	back, err := Parse(syn.Table("syn.csv"), f.Schema, nil)
	if err != nil {
		t.Fatalf("synthetic rows do not fit the schema: %v", err)
	}
	for j, c := range f.Schema.Columns {
		for i, v := range back.Cols[j] {
			if c.Kind == Integer && !math.IsNaN(v) && v != math.Trunc(v) {
				t.Fatalf("row %d, column %q: %v is not whole", i, c.Name, v)
			}
			if !c.Missing && math.IsNaN(v) {
				t.Fatalf("row %d, column %q: missing, but the column never is", i, c.Name)
			}
		}
	}
	counts := make([]int, 3)
	for _, v := range back.Cols[f.Schema.Index("Species")] {
		counts[int(v)]++
	}
	if counts[0] < 66 || counts[1] < 66 || counts[2] < 66 {
		t.Errorf("balanced species counts %v, want ≥ 66 each of 200", counts)
	}
}

func TestSaveLoadSameSamples(t *testing.T) {
	_, f := load(t, "cars.json", &Config{Drop: []string{"Name"}, Target: "Origin"})
	m, err := TrainModel(context.Background(), f, ScaleStandard, tiny, TrainOptions{Iters: 5, Batch: 32})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := m.Sample(context.Background(), 50, SampleOptions{Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	b, err := m2.Sample(context.Background(), 50, SampleOptions{Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Table("a").Rows, b.Table("b").Rows) {
		t.Error("the loaded model samples different rows from the saved one with the same seed")
	}
}

// TestSampleProgress: Progress is told every reverse step, 1 … Steps of
// Steps, and the rows are those drawn without it.
func TestSampleProgress(t *testing.T) {
	_, f := load(t, "cars.json", &Config{Drop: []string{"Name"}, Target: "Origin"})
	m, err := TrainModel(context.Background(), f, ScaleStandard, tiny, TrainOptions{Iters: 5, Batch: 32})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := m.Sample(context.Background(), 30, SampleOptions{Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	var steps []int
	got, err := m.Sample(context.Background(), 30, SampleOptions{Seed: 9, Progress: func(step, total int) {
		if total != tiny.Steps {
			t.Errorf("progress total %d, want the model's %d steps", total, tiny.Steps)
		}
		steps = append(steps, step)
	}})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range steps {
		if s != i+1 {
			t.Fatalf("progress %v, want 1, 2, … %d", steps, tiny.Steps)
		}
	}
	if len(steps) != tiny.Steps || !reflect.DeepEqual(got.Table("a").Rows, plain.Table("a").Rows) {
		t.Fatalf("%d progress calls (want %d), or the rows differ from those drawn without progress", len(steps), tiny.Steps)
	}
}

// TestLearnsDependence trains on two numbers y ≈ x and a category that is the
// sign of x, and checks the model keeps the dependence that independent
// sampling loses. Budget: about 2 s on one core.
func TestLearnsDependence(t *testing.T) {
	rng := tensor.NewRNG(3)
	n := 400
	s := &Schema{Policy: MissingModel, Columns: []Column{
		{Name: "x", Kind: Numeric, Decimals: 3}, {Name: "y", Kind: Numeric, Decimals: 3},
		{Name: "sign", Kind: Categorical, Categories: []string{"neg", "pos"}}}}
	f := &Frame{Schema: s, Cols: [][]float64{make([]float64, n), make([]float64, n), make([]float64, n)}}
	for i := range n {
		x := rng.Normal()
		f.Cols[0][i] = s.Columns[0].round(x)
		f.Cols[1][i] = s.Columns[1].round(x + 0.2*rng.Normal())
		if x > 0 {
			f.Cols[2][i] = 1
		}
	}
	m, err := TrainModel(context.Background(), f, ScaleQuantile, ModelConfig{Width: 64, Layers: 2, Steps: 50}, TrainOptions{Iters: 300, Batch: 128})
	if err != nil {
		t.Fatal(err)
	}
	syn, err := m.Sample(context.Background(), n, SampleOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ind, _ := Independent{Train: f}.Sample(n, 1)
	dm, di := CorrDiff(f, syn), CorrDiff(f, ind)
	if dm > 0.15 || dm > di/3 {
		t.Errorf("correlation difference: model %.3f, independent %.3f; want model ≤ 0.15 and ≤ a third of independent", dm, di)
	}
	t.Logf("correlation difference: model %.3f, independent %.3f", dm, di)
}

func TestSameSeedSameBits(t *testing.T) {
	_, f := load(t, "wine.csv", &Config{Target: "class"})
	run := func() [][]float64 {
		m, err := TrainModel(context.Background(), f, ScaleQuantile, tiny, TrainOptions{Iters: 5, Batch: 32, Seed: 4})
		if err != nil {
			t.Fatal(err)
		}
		syn, err := m.Sample(context.Background(), 20, SampleOptions{Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		return syn.Cols
	}
	if a, b := run(), run(); !reflect.DeepEqual(a, b) {
		t.Error("two runs with the same seeds differ")
	}
}
