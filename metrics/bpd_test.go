package metrics

import (
	"math"
	"testing"
)

func TestBitsPerDim(t *testing.T) {
	const d = 784
	if got := BitsPerDim(d*math.Ln2, d); math.Abs(got-1) > 1e-12 {
		t.Errorf("BitsPerDim(D·ln 2, D) = %v, want 1", got)
	}
	// A uniform density over the dequantised 8-bit cube: 256 levels of
	// width Level8Bit span 256/127.5 in [−1, 1] units, so the density is
	// (127.5/256)^D, and in 8-bit units it is exactly 8 bits per dimension.
	nll := d * math.Log(256/127.5)
	if got := BitsPerDim8Bit(nll, d, Level8Bit); math.Abs(got-8) > 1e-12 {
		t.Errorf("BitsPerDim8Bit(uniform) = %.15f, want 8", got)
	}
	// The score-SDE convention (level 1/128) adds exactly 7 bits.
	if got := BitsPerDim8Bit(0, d, 1.0/128); got != 7 {
		t.Errorf("BitsPerDim8Bit(0, D, 1/128) = %v, want 7", got)
	}
	if got, want := BitsPerDim8Bit(0, d, Level8Bit), math.Log2(127.5); math.Abs(got-want) > 1e-12 {
		t.Errorf("BitsPerDim8Bit(0, D, Level8Bit) = %v, want log2(127.5) = %v", got, want)
	}
}
