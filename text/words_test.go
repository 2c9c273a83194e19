package text

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
