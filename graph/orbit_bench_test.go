package graph

import (
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// BenchmarkOrbits50 counts the orbits of a G(50, 0.3) graph.
func BenchmarkOrbits50(b *testing.B) {
	g := gnp(50, 0.3, tensor.NewRNG(1))
	b.ReportAllocs()
	for b.Loop() {
		Orbits(g)
	}
}
