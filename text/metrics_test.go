package text

import (
	"math"
	"testing"
)

func TestUnigramEntropy(t *testing.T) {
	for _, tc := range []struct {
		texts []string
		want  float64
	}{
		{nil, 0},
		{[]string{"aaaa"}, 0},
		{[]string{"ab", "ba"}, 1},
		{[]string{"abcd"}, 2},
		{[]string{"aab"}, -(2.0/3*math.Log2(2.0/3) + 1.0/3*math.Log2(1.0/3))},
		{[]string{"éé", "€€"}, 1},
	} {
		if got := UnigramEntropy(tc.texts); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("UnigramEntropy(%q) = %v, want %v", tc.texts, got, tc.want)
		}
	}
}

func TestDistinctN(t *testing.T) {
	for _, tc := range []struct {
		texts []string
		n     int
		unit  Unit
		want  float64
	}{
		{[]string{"abab"}, 2, ByChar, 2.0 / 3},     // ab ba ab
		{[]string{"ab", "ab"}, 2, ByChar, 1.0 / 2}, // ab, ab
		{[]string{"ab", "ba"}, 2, ByChar, 1},       // no n-gram across texts
		{[]string{"a"}, 2, ByChar, 0},
		{[]string{"The cat, the CAT!"}, 2, ByWord, 2.0 / 3}, // the cat / cat the / the cat
		{[]string{"one two three"}, 1, ByWord, 1},
		{[]string{"one one one one"}, 1, ByWord, 1.0 / 4},
	} {
		if got := DistinctN(tc.texts, tc.n, tc.unit); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("DistinctN(%q, %d, %v) = %v, want %v", tc.texts, tc.n, tc.unit, got, tc.want)
		}
	}
}

func TestSampleStats(t *testing.T) {
	train := []string{"the cat sat on the mat", "a dog barked at the moon tonight, loudly and long"}
	x, _ := NewTrainingIndex(train, NoveltyWindow)
	ref := Reference{Train: x, HeldOut: []string{"ab"}, Words: NewWordList([]string{"the", "cat", "sat", "on", "mat"})}
	st := SampleStats([]string{"the cat sat on the mat", "the cat zzz"}, ref)
	want := Stats{
		Samples: 2, Chars: 33,
		EntropyBits: UnigramEntropy([]string{"the cat sat on the mat", "the cat zzz"}), HeldOutEntropy: 1,
		Distinct2Chars: DistinctN([]string{"the cat sat on the mat", "the cat zzz"}, 2, ByChar),
		Distinct2Words: 6.0 / 7, // the cat, cat sat, sat on, on the, the mat; the cat again, cat zzz
		WordValidity:   8.0 / 9, Words: 9,
		Novel: 0.5, CopiedWindows: 0, Windows: 0,
	}
	if st != want {
		t.Errorf("SampleStats =\n%+v, want\n%+v", st, want)
	}
	long := SampleStats([]string{train[1]}, ref)
	if long.Novel != 0 || long.CopiedWindows != 1 || long.Windows != len(train[1])-NoveltyWindow+1 {
		t.Errorf("a training document: %+v", long)
	}
}
