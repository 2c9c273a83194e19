package augment

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/text"
	"github.com/diffusego/diffusego/train"
)

// writeClasses writes one corpus file per class into a new folder.
func writeClasses(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadTexts(t *testing.T) {
	dir := writeClasses(t, map[string]string{
		"cats.txt":  "the cat sat\na cat ran far away from here\ncats purr\n",
		"dogs.json": `["dogs bark", "the dog ran", "the cat sat"]`,
		"x.dat":     "index, skipped",
	})
	got, dropped, err := LoadTexts(dir, 20)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Classes, []string{"cats", "dogs"}) {
		t.Errorf("classes %q, want [cats dogs]", got.Classes)
	}
	// The long line is left out; "the cat sat" is kept once, in the first class.
	if !slices.Equal(got.Texts, []string{"the cat sat", "cats purr", "dogs bark", "the dog ran"}) || !slices.Equal(got.Labels, []int{0, 0, 1, 1}) {
		t.Errorf("texts %q labels %v", got.Texts, got.Labels)
	}
	if dropped != 1 {
		t.Errorf("dropped %d, want 1", dropped)
	}
}

// Bad labelled text: each a *TextSourceError naming the source and the
// problem.
func TestLoadTextsRefuses(t *testing.T) {
	one := writeClasses(t, map[string]string{"cats.txt": "a\nb\n"})
	long := writeClasses(t, map[string]string{"a.txt": "short\n", "b.txt": "much too long for the limit\n"})
	file := filepath.Join(one, "cats.txt")
	cases := []struct{ source, want string }{
		{one, "1 class file: want at least two classes"},
		{file, "a file: want a folder with one corpus file per class"},
		{filepath.Join(one, "absent"), "want a folder with one corpus file per class"},
		{long, `class "b"`},
		{"fortunes:../etc/passwd", "want a file name of"},
	}
	if _, err := os.Stat(filepath.Join(text.FortunesDir, "computers")); err == nil { // package fortunes
		cases = append(cases, struct{ source, want string }{"fortunes:computers", "1 class file"})
	}
	cases = append(cases, struct{ source, want string }{"fortunes:no-such-file", "no-such-file"})
	for _, tc := range cases {
		_, _, err := LoadTexts(tc.source, 10)
		var se *TextSourceError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.source) {
			t.Errorf("LoadTexts(%q): %v; want a *TextSourceError naming it and saying %q", tc.source, err, tc.want)
		}
	}
}

func TestSplitAndSampleTexts(t *testing.T) {
	all := &Texts{Classes: []string{"a", "b"}}
	for i := range 20 {
		all.Texts = append(all.Texts, strings.Repeat("x", i+1))
		all.Labels = append(all.Labels, i%2)
	}
	pool, val, test, err := SplitTexts(all, 2, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(val.ClassCounts(), []int{2, 2}) || !slices.Equal(test.ClassCounts(), []int{3, 3}) || !slices.Equal(pool.ClassCounts(), []int{5, 5}) {
		t.Errorf("counts val %v test %v pool %v", val.ClassCounts(), test.ClassCounts(), pool.ClassCounts())
	}
	seen := map[string]bool{}
	for _, part := range []*Texts{pool, val, test} {
		for _, s := range part.Texts {
			if seen[s] {
				t.Errorf("%q in two parts", s)
			}
			seen[s] = true
		}
	}
	if s := SampleTexts(pool, 3, 7); !slices.Equal(s.ClassCounts(), []int{3, 3}) {
		t.Errorf("sample counts %v, want [3 3]", s.ClassCounts())
	}
	if _, _, _, err := SplitTexts(all, 5, 5, 1); err == nil {
		t.Error("a split leaving one text to train accepted")
	}
}

// A label-conditioned model trained for a few steps: its completions are
// the same for the same seed, a class's texts do not change when another
// class's count does, it round-trips through its file with its classes,
// and it refuses a class it was not trained with. (About a second on an
// idle core.)
func TestTextModelGenerate(t *testing.T) {
	data := &Texts{Classes: []string{"a", "b"}, Texts: []string{"one two", "three", "four five", "six"}, Labels: []int{0, 0, 1, 1}}
	m, err := TrainTextModel(context.Background(), data, TextModelOptions{Context: 16, Batch: 2,
		Train: train.Options{Steps: 3, LR: 1e-3, EMADecay: 0.9, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	opt := TextOptions{Seed: 5, Steps: 4, Batch: 2}
	gen := func(counts []int) *Texts {
		t.Helper()
		syn, rep, err := GenerateTexts(context.Background(), m, data.Classes, data.Classes, counts, opt)
		if err != nil {
			t.Fatal(err)
		}
		for c, r := range rep {
			if r.Kept != counts[c] && r.Drawn < 4*counts[c] {
				t.Errorf("class %d: kept %d of %d after %d draws", c, r.Kept, counts[c], r.Drawn)
			}
		}
		return syn
	}
	first, again := gen([]int{2, 1}), gen([]int{2, 1})
	if !slices.Equal(first.Texts, again.Texts) {
		t.Errorf("same seed, different texts: %q and %q", first.Texts, again.Texts)
	}
	for _, s := range first.Texts {
		if strings.HasPrefix(s, "a: ") || strings.HasPrefix(s, "b: ") {
			t.Errorf("text %q keeps its prompt", s)
		}
	}
	classA := func(s *Texts) []string { return firstPerClass(s, 2).Texts[:min(2, s.ClassCounts()[0])] }
	if other := gen([]int{2, 3}); !slices.Equal(classA(first), classA(other)) {
		t.Errorf("class a's texts changed with class b's count: %q and %q", classA(first), classA(other))
	}
	if _, _, err := GenerateTexts(context.Background(), m, data.Classes, []string{"a", "c"}, []int{1, 1}, opt); err == nil || !strings.Contains(err.Error(), `"c"`) {
		t.Errorf("unknown class: %v", err)
	}

	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := SaveTextModel(path, m, data.Classes); err != nil {
		t.Fatal(err)
	}
	back, classes, err := LoadTextModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(classes, data.Classes) {
		t.Errorf("classes %q after the round trip", classes)
	}
	m2 := back
	syn, _, err := GenerateTexts(context.Background(), m2, classes, data.Classes, []int{2, 1}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(syn.Texts, first.Texts) {
		t.Errorf("the saved model generates %q, the trained one %q", syn.Texts, first.Texts)
	}
	plain := filepath.Join(t.TempDir(), "plain.safetensors")
	if err := text.Export(path, plain); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadTextModel(plain); err == nil || !strings.Contains(err.Error(), "not a label-conditioned text model") {
		t.Errorf("a text model without classes: %v", err)
	}
}
