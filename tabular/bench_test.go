package tabular

import (
	"context"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// BenchmarkTrainStep measures one training iteration of the default model
// (batch 256) on penguins.
func BenchmarkTrainStep(b *testing.B) {
	_, f := load(b, "penguins.json", &Config{Target: "Species"})
	tr, err := Fit(f, ScaleQuantile)
	if err != nil {
		b.Fatal(err)
	}
	m, err := NewModel(tr, DefaultModelConfig(), "Species", tensor.NewRNG(1))
	if err != nil {
		b.Fatal(err)
	}
	e := tr.Encode(f)
	b.ReportAllocs()
	for b.Loop() {
		if err := m.Train(context.Background(), e, TrainOptions{Iters: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(256*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
