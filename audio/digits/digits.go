package digits

import (
	"fmt"
	"math"
	"slices"

	"github.com/diffusego/diffusego/tensor"
)

// Words are the ten digits as spoken, indexed by digit.
var Words = [10]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

// Splits of the data set.
const (
	Train      = "train"
	Validation = "validation"
	Test       = "test"
)

// Rate and Samples are the clip format: 1 s at 8 kHz.
const (
	Rate    = 8000
	Samples = 8000
)

// Languages are the espeak-ng languages of the default voices: eight
// English accents and seventeen other languages.
var Languages = []string{
	"en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029", "en-us-nyc",
	"de", "nl", "fr-fr", "es", "es-419", "it", "pt", "pt-br", "pl", "sv", "da", "nb", "fi", "cs", "ro", "hu", "id",
}

// Variants are the espeak-ng voice variants of the default voices: male,
// female, whispered, creaky and Klatt-synthesised.
var Variants = []string{
	"m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4", "f5",
	"croak", "klatt", "klatt3", "whisper", "adam", "john", "Annie",
}

// Voices returns every language+variant pair, "en-us+m1" …, in order.
func Voices(languages, variants []string) []string {
	var v []string
	for _, l := range languages {
		for _, x := range variants {
			v = append(v, l+"+"+x)
		}
	}
	return v
}

// SplitVoices assigns each voice to one split: the voices are shuffled
// with seed, then the first ⌈test·n⌉ go to Test, the next ⌈val·n⌉ to
// Validation and the rest to Train. Each fraction must be in [0, 1) and
// leave at least one training voice.
func SplitVoices(voices []string, val, test float64, seed uint64) (map[string]string, error) {
	n := len(voices)
	nt, nv := int(math.Ceil(test*float64(n))), int(math.Ceil(val*float64(n)))
	if val < 0 || test < 0 || val >= 1 || test >= 1 || nt+nv >= n {
		return nil, fmt.Errorf("digits: split %d voices with validation %g, test %g: want fractions in [0, 1) that leave a training voice", n, val, test)
	}
	sorted := slices.Clone(voices)
	slices.Sort(sorted)
	if len(slices.Compact(slices.Clone(sorted))) != n {
		return nil, fmt.Errorf("digits: split: voices repeat")
	}
	perm := tensor.NewRNG(seed).Perm(n)
	split := make(map[string]string, n)
	for i, p := range perm {
		switch {
		case i < nt:
			split[sorted[p]] = Test
		case i < nt+nv:
			split[sorted[p]] = Validation
		default:
			split[sorted[p]] = Train
		}
	}
	return split, nil
}

// Trim removes leading and trailing silence from x at rate Hz: it finds
// the first and last 10 ms frames whose energy is within thresholdDB of
// the loudest frame's and keeps them, with 20 ms of margin on each side.
// All-silent input comes back empty.
func Trim(x []float64, rate int, thresholdDB float64) []float64 {
	frame := max(1, rate/100)
	frames := (len(x) + frame - 1) / frame
	energy := make([]float64, frames)
	top := 0.0
	for f := range energy {
		for _, v := range x[f*frame : min(len(x), (f+1)*frame)] {
			energy[f] += v * v
		}
		top = max(top, energy[f])
	}
	if top == 0 {
		return nil
	}
	floor := top * math.Pow(10, -thresholdDB/10)
	first, last := -1, -1
	for f, e := range energy {
		if e >= floor {
			if first < 0 {
				first = f
			}
			last = f
		}
	}
	margin := 2 * frame
	return x[max(0, first*frame-margin):min(len(x), (last+1)*frame+margin)]
}

// Fit returns x as exactly n samples: centred between zeros when shorter,
// or its first n samples with a 10 ms linear fade-out when longer (cut is
// then true).
func Fit(x []float64, n, rate int) (y []float64, cut bool) {
	y = make([]float64, n)
	if len(x) <= n {
		copy(y[(n-len(x))/2:], x)
		return y, false
	}
	copy(y, x[:n])
	fade := min(n, rate/100)
	for i := range fade {
		y[n-1-i] *= float64(i) / float64(fade)
	}
	return y, true
}
