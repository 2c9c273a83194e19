package baseline

import (
	"testing"
)

// BenchmarkNLMeans times non-local means on 16 Fashion-MNIST-sized images.
func BenchmarkNLMeans(b *testing.B) {
	x := noisy(step(16, 28, 28), 0.2, 1)
	for _, search := range []int{11, 21} {
		m := NLMeans{Patch: 7, Search: search, H: 0.15, Sigma: 0.2}
		b.Run(map[int]string{11: "search11", 21: "search21"}[search], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Apply(x); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/16, "µs/image")
		})
	}
}
