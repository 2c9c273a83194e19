package text

import (
	"math"
	"slices"
	"strings"
)

// UnigramEntropy returns the entropy H = −Σ p(c)·log₂ p(c), in bits, of the
// character frequencies p of all texts pooled; 0 for no characters. Samples
// that repeat a few characters score below held-out text, samples of
// uniform noise above it.
func UnigramEntropy(texts []string) float64 {
	counts := map[rune]int{}
	total := 0
	for _, s := range texts {
		for _, r := range s {
			counts[r]++
			total++
		}
	}
	// Add in code-point order so the sum's rounding does not depend on map
	// order.
	chars := make([]rune, 0, len(counts))
	for r := range counts {
		chars = append(chars, r)
	}
	slices.Sort(chars)
	var h float64
	for _, r := range chars {
		p := float64(counts[r]) / float64(total)
		h -= p * math.Log2(p)
	}
	return h
}

// Unit is what DistinctN counts n-grams of.
type Unit int

const (
	// ByChar: n-grams of characters.
	ByChar Unit = iota
	// ByWord: n-grams of words, the lower-cased alphabetic runs of Words.
	ByWord
)

// DistinctN returns distinct-n (Li et al. 2016, "A Diversity-Promoting
// Objective Function for Neural Conversation Models"): the number of
// distinct n-grams divided by the number of n-grams, pooled over all texts,
// with no n-gram crossing from one text into the next. 1 means no n-gram
// repeats; a model that says the same thing over and over scores near 0.
// It returns 0 when the texts hold no n-gram.
func DistinctN(texts []string, n int, unit Unit) float64 {
	seen := map[string]struct{}{}
	total := 0
	for _, s := range texts {
		var units []string
		if unit == ByWord {
			units = Words(s)
		} else {
			for _, r := range s {
				units = append(units, string(r))
			}
		}
		for i := 0; i+n <= len(units); i++ {
			seen[strings.Join(units[i:i+n], "\x00")] = struct{}{}
			total++
		}
	}
	if total == 0 {
		return 0
	}
	return float64(len(seen)) / float64(total)
}

// Reference is what samples are compared with: the training index, the
// held-out texts and, optionally, a word list.
type Reference struct {
	Train   *TrainingIndex
	HeldOut []string
	Words   *WordList // nil: word validity is not measured
}

// Stats are the measures of a set of text samples. Shares are in [0, 1];
// a share whose count (Words, Windows) is 0 was not measured and is 0.
type Stats struct {
	Samples        int     `json:"samples"`
	Chars          int     `json:"chars"`
	EntropyBits    float64 `json:"entropy_bits"`          // UnigramEntropy of the samples
	HeldOutEntropy float64 `json:"held_out_entropy_bits"` // UnigramEntropy of Reference.HeldOut
	Distinct2Chars float64 `json:"distinct2_chars"`       // DistinctN(samples, 2, ByChar)
	Distinct2Words float64 `json:"distinct2_words"`       // DistinctN(samples, 2, ByWord)
	WordValidity   float64 `json:"word_validity"`         // share of words in Reference.Words
	Words          int     `json:"words"`
	Novel          float64 `json:"novel"`          // share of samples that are no training document
	CopiedWindows  float64 `json:"copied_windows"` // share of sample windows found in training
	Windows        int     `json:"windows"`
}

// SampleStats measures samples against ref (see Stats).
func SampleStats(samples []string, ref Reference) Stats {
	st := Stats{
		Samples:        len(samples),
		EntropyBits:    UnigramEntropy(samples),
		HeldOutEntropy: UnigramEntropy(ref.HeldOut),
		Distinct2Chars: DistinctN(samples, 2, ByChar),
		Distinct2Words: DistinctN(samples, 2, ByWord),
	}
	for _, s := range samples {
		st.Chars += len([]rune(s))
	}
	if ref.Words != nil {
		st.WordValidity, st.Words = WordValidity(samples, ref.Words)
	}
	if ref.Train != nil && len(samples) > 0 {
		novel := 0
		for _, s := range samples {
			if !ref.Train.Seen(s) {
				novel++
			}
		}
		st.Novel = float64(novel) / float64(len(samples))
		st.CopiedWindows, st.Windows = ref.Train.CopiedWindows(samples)
	}
	return st
}
