package kernels

import "math"

// Constants of Cephes expf (S. L. Moshier, Cephes Math Library): e^x =
// 2ⁿ·e^r with n = round(x·log₂e) and r = x − n·ln2, ln2 split in two parts
// so that n·ln2Hi is exact; e^r ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2.
const (
	expHi  = 88.7  // e^88.7 ≈ 3.3e38 < MaxFloat32
	expLo  = -87.3 // e^−87.3 ≈ 1.2e−38, still a normal float32
	log2e  = 1.44269504088896341
	ln2Hi  = 0.693359375
	ln2Lo  = -2.12194440e-4
	expP0  = 1.9875691500e-4
	expP1  = 1.3981999507e-3
	expP2  = 8.3334519073e-3
	expP3  = 4.1665795894e-2
	expP4  = 1.6666665459e-1
	expP5  = 5.0000001201e-1
	sigCut = -expHi // σ(x) < 2^−126 below this: flushed to 0
)

// expf is e^x in float32 arithmetic, the loop act_amd64.s runs 8 lanes at a
// time. x is clamped to [expLo, expHi], so the result is always a finite,
// normal float32; 2ⁿ is applied by adding n to the exponent bits, which
// cannot overflow there (n ∈ [−126, 128] and e^r ∈ [0.7, 1.42]).
func expf(x float32) float32 {
	if x != x {
		return x
	}
	x = min(max(x, expLo), expHi)
	n := float32(math.RoundToEven(float64(x * log2e)))
	r := x - n*ln2Hi
	r -= n * ln2Lo
	z := r * r
	p := ((((expP0*r+expP1)*r+expP2)*r+expP3)*r+expP4)*r + expP5
	e := p*z + r + 1
	return math.Float32frombits(math.Float32bits(e) + uint32(int32(n))<<23)
}

// sigmoidf is σ(x) = 1/(1 + e⁻ˣ) with expf, 0 below sigCut.
func sigmoidf(x float32) float32 {
	if x < sigCut {
		return 0
	}
	return 1 / (1 + expf(-x))
}

// siluGeneric is SiLU in Go.
func siluGeneric(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = v * sigmoidf(v)
	}
}

// sigmoidGeneric is Sigmoid in Go.
func sigmoidGeneric(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = sigmoidf(v)
	}
}
