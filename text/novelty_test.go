package text

import (
	"math"
	"strings"
	"testing"
)

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
