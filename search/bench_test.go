package search_test

import (
	"testing"

	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
)

// BenchmarkEmbed: the tiny preset (the shipped model's shape) embedding a
// batch of 64 Fashion-MNIST-sized images with the default options.
func BenchmarkEmbed(b *testing.B) {
	net, err := unet.NewPreset("tiny", tensor.NewRNG(1))
	if err != nil {
		b.Fatal(err)
	}
	sch, err := schedule.New("cosine", 1000, nil)
	if err != nil {
		b.Fatal(err)
	}
	e, err := search.NewEmbedder(net, sch, search.DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	x := tensor.NewRNG(2).Rand(-1, 1, 64, 1, 28, 28)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Embed(x); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(64*b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkNearest: 256 queries against 10,000 gallery rows of 1,024
// values, k = 10.
func BenchmarkNearest(b *testing.B) {
	rng := tensor.NewRNG(3)
	g := search.Normalize(rng.Randn(10000, 1024))
	q := search.Normalize(rng.Randn(256, 1024))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := search.Nearest(g, q, 10, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(256*b.N)/b.Elapsed().Seconds(), "queries/s")
}
