package text

import (
	"math"
	"os"
	"path/filepath"
	"strings"
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

func TestWordValidity(t *testing.T) {
	if got := Words("Don't panic! Zoë's 42 towels"); strings.Join(got, " ") != "don t panic zoë s towels" {
		t.Errorf("Words = %q", got)
	}
	path := filepath.Join(t.TempDir(), "words")
	os.WriteFile(path, []byte("Cat\ndog\nAaron's\n\nthe\n"), 0o644)
	wl, err := LoadWordList(path)
	if err != nil {
		t.Fatal(err)
	}
	if wl.Len() != 3 || !wl.Contains("CAT") || wl.Contains("aaron") {
		t.Errorf("list of %d words (cat %v, aaron %v), want cat, dog, the", wl.Len(), wl.Contains("CAT"), wl.Contains("aaron"))
	}
	share, n := WordValidity([]string{"The cat sat", "on the dog."}, wl)
	if n != 6 || math.Abs(share-4.0/6) > 1e-12 {
		t.Errorf("WordValidity = %v of %d words, want 4/6 of 6", share, n)
	}
	if share, n := WordValidity([]string{"123 !?"}, wl); share != 0 || n != 0 {
		t.Errorf("no words: %v of %d", share, n)
	}
	os.WriteFile(path, []byte("12\n'\n"), 0o644)
	if _, err := LoadWordList(path); err == nil {
		t.Error("list without words accepted")
	}
	if _, err := LoadWordList(path + ".missing"); err == nil || !strings.Contains(err.Error(), "wamerican") {
		t.Errorf("missing list: error %v, want one naming wamerican", err)
	}
}

func TestDebianWordList(t *testing.T) {
	if _, err := os.Stat(DefaultWordList); err != nil {
		t.Skipf("no %s: apt-get install wamerican", DefaultWordList)
	}
	wl, err := LoadWordList(DefaultWordList)
	if err != nil {
		t.Fatal(err)
	}
	share, _ := WordValidity([]string{"The quick brown fox jumps over the lazy dog"}, wl)
	junk, _ := WordValidity([]string{"Thq quizk bruwn fex jumsp ovr teh lzay dgo"}, wl)
	if share != 1 || junk > 0.3 || wl.Len() < 50000 {
		t.Errorf("%d words; pangram validity %v, misspelt %v: want 1 and < 0.3", wl.Len(), share, junk)
	}
}

func TestTrainingIndex(t *testing.T) {
	a := strings.Repeat("abcdefghij", 5) // 50 characters
	b := "ÀÉÎÕÜ—" + strings.Repeat("xyz", 10)
	x, err := NewTrainingIndex([]string{a, b}, 8)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		samples []string
		share   float64
		windows int
	}{
		{"training document", []string{a}, 1, 43},
		{"new text", []string{"0123456789"}, 0, 3},
		{"partly copied", []string{"abcdefgh" + "01234567"}, 1.0 / 9, 9}, // only window 0 is all letters
		{"multibyte", []string{"ÀÉÎÕÜ—xy", "ÀÉÎÕÜ—x"}, 1, 1},             // the second is too short
		{"across documents", []string{a[43:] + b[:len("ÀÉÎ")]}, 0, 3},    // never inside one document
		{"short", []string{"abc"}, 0, 0},
	} {
		share, windows := x.CopiedWindows(tc.samples)
		if windows != tc.windows || math.Abs(share-tc.share) > 1e-12 {
			t.Errorf("%s: %v of %d windows, want %v of %d", tc.name, share, windows, tc.share, tc.windows)
		}
	}
	if !x.Seen(a) || x.Seen(a[:49]) {
		t.Error("Seen: want exact matches only")
	}
	if _, err := NewTrainingIndex(nil, 0); err == nil {
		t.Error("window 0 accepted")
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
