package audio

import (
	"fmt"
	"math"
)

// Resampling constants: the windowed-sinc low-pass filter has ResampleZeros
// zero crossings of the sinc on each side, a Kaiser window with β =
// ResampleBeta (side lobes near −90 dB), and its cutoff at ResampleRolloff
// times the lower of the two Nyquist frequencies, so that the transition
// band ends before the output's Nyquist frequency and little aliases.
const (
	ResampleZeros   = 32
	ResampleBeta    = 8.6
	ResampleRolloff = 0.9
)

// Resample converts x sampled at from Hz to to Hz by band-limited
// interpolation (Smith's windowed-sinc method, "Digital Audio Resampling
// Home Page", 2002): output sample j sits at input time t = j·from/to and is
//
//	y[j] = Σₖ x[k]·c·sinc(c·(t − k))·w((t − k)/(Z/c)),
//
// with c = ResampleRolloff·min(1, to/from), Z = ResampleZeros and w the
// Kaiser window; samples outside x count as zero. The rates are reduced by
// their greatest common divisor so the filter has to/gcd phases, which are
// tabulated (polyphase) when the table is small and computed per sample
// otherwise. Each phase's taps are normalised to sum to 1 (unit DC gain).
// The output has round(len(x)·to/from) samples. Equal rates return a copy.
func Resample(x []float64, from, to int) ([]float64, error) {
	if from <= 0 || to <= 0 {
		return nil, fmt.Errorf("audio: resample %d Hz → %d Hz: want positive rates", from, to)
	}
	if from == to {
		return append([]float64(nil), x...), nil
	}
	g := gcd(from, to)
	up, down := to/g, from/g // output j is at input position j·down/up
	nOut := int((int64(len(x))*int64(to) + int64(from)/2) / int64(from))
	c := ResampleRolloff * min(1, float64(to)/float64(from))
	half := int(math.Ceil(ResampleZeros / c)) // taps on each side
	width := 2 * half
	kernel := func(tau float64) float64 {
		r := tau * c / ResampleZeros // position within the window, in [-1, 1]
		if r <= -1 || r >= 1 {
			return 0
		}
		return c * sinc(c*tau) * besselI0(ResampleBeta*math.Sqrt(1-r*r)) / besselI0(ResampleBeta)
	}
	taps := func(phase int, w []float64) {
		frac := float64(phase) / float64(up)
		sum := 0.0
		for m := range w {
			w[m] = kernel(frac + float64(half-1-m)) // input index base−half+1+m
			sum += w[m]
		}
		for m := range w {
			w[m] /= sum
		}
	}
	var table []float64
	if up*width <= 1<<20 {
		table = make([]float64, up*width)
		for p := range up {
			taps(p, table[p*width:(p+1)*width])
		}
	}
	y := make([]float64, nOut)
	w := make([]float64, width)
	for j := range y {
		pos := int64(j) * int64(down)
		base, phase := int(pos/int64(up)), int(pos%int64(up))
		if table != nil {
			w = table[phase*width : (phase+1)*width]
		} else {
			taps(phase, w)
		}
		k0 := base - half + 1
		s := 0.0
		for m, wm := range w {
			if k := k0 + m; k >= 0 && k < len(x) {
				s += x[k] * wm
			}
		}
		y[j] = s
	}
	return y, nil
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// besselI0 is the modified Bessel function of the first kind of order 0,
// by its power series Σ ((x/2)^k / k!)².
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 200; k++ {
		term *= (x / 2) / float64(k)
		sum += term * term
		if term*term < sum*1e-17 {
			break
		}
	}
	return sum
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
