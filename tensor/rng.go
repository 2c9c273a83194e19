package tensor

import (
	"math"
	"math/rand/v2"
)

// RNG is a seeded random source (PCG), reproducible run to run and across
// machines: the same seed gives the same sequence.
type RNG struct {
	src  *rand.PCG
	r    *rand.Rand
	seed uint64
}

// NewRNG returns a source seeded with seed.
func NewRNG(seed uint64) *RNG {
	src := rand.NewPCG(seed, 0x9e3779b97f4a7c15)
	return &RNG{src: src, r: rand.New(src), seed: seed}
}

// Split returns an independent stream derived from this source's seed and
// i, for workers that must draw in parallel without sharing state.
func (g *RNG) Split(i uint64) *RNG {
	src := rand.NewPCG(g.seed^(i+1)*0xbf58476d1ce4e5b9, 0x94d049bb133111eb+i)
	return &RNG{src: src, r: rand.New(src), seed: g.seed ^ (i+1)*0xbf58476d1ce4e5b9}
}

// State returns the generator's internal state, for exact resume.
func (g *RNG) State() ([]byte, error) { return g.src.MarshalBinary() }

// SetState restores a state returned by State.
func (g *RNG) SetState(b []byte) error { return g.src.UnmarshalBinary(b) }

// Uniform returns a number in [0, 1).
func (g *RNG) Uniform() float64 { return g.r.Float64() }

// Normal returns a standard normal number.
func (g *RNG) Normal() float64 { return g.r.NormFloat64() }

// Intn returns an integer in [0, n).
func (g *RNG) Intn(n int) int { return g.r.IntN(n) }

// Perm returns a random permutation of 0..n-1.
func (g *RNG) Perm(n int) []int { return g.r.Perm(n) }

// FillNormal fills t with draws from N(mean, std²).
func (g *RNG) FillNormal(t *Tensor, mean, std float64) {
	for i := range t.Data {
		t.Data[i] = float32(mean + std*g.r.NormFloat64())
	}
}

// FillUniform fills t with draws from U[lo, hi).
func (g *RNG) FillUniform(t *Tensor, lo, hi float64) {
	for i := range t.Data {
		t.Data[i] = float32(lo + (hi-lo)*g.r.Float64())
	}
}

// Randn returns a tensor of the given shape with N(0, 1) entries.
func (g *RNG) Randn(shape ...int) *Tensor {
	t := New(shape...)
	g.FillNormal(t, 0, 1)
	return t
}

// Rand returns a tensor of the given shape with U[lo, hi) entries.
func (g *RNG) Rand(lo, hi float64, shape ...int) *Tensor {
	t := New(shape...)
	g.FillUniform(t, lo, hi)
	return t
}

// KaimingUniformBound is the bound k = 1/√fanIn of PyTorch's default
// initialisation of Linear and Conv weights and biases, U(−k, k).
func KaimingUniformBound(fanIn int) float64 { return 1 / math.Sqrt(float64(fanIn)) }
