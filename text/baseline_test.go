package text

import (
	"os"
	"testing"
	"time"

	"github.com/diffusego/diffusego/tensor"
)

// TestFortunesBaseline measures the numbers the package documentation quotes: the size of
// the Debian fortunes corpus and the held-out bits per character of the
// order-5 Kneser–Ney model on a 90/5/5 document split (seed 1) with context
// length 256. It takes a few seconds, so it runs only with
// DIFFUSEGO_MEASURE=1:
//
//	DIFFUSEGO_MEASURE=1 go test ./text -run FortunesBaseline -v
func TestFortunesBaseline(t *testing.T) {
	if os.Getenv("DIFFUSEGO_MEASURE") == "" {
		t.Skip("set DIFFUSEGO_MEASURE=1 to measure the fortunes baseline (a few seconds)")
	}
	if _, err := os.Stat(FortunesDir); err != nil {
		t.Skipf("no %s: apt-get install fortunes fortunes-min", FortunesDir)
	}
	start := time.Now()
	docs, err := LoadFortunes(FortunesDir)
	if err != nil {
		t.Fatal(err)
	}
	chars, files := 0, map[string]bool{}
	for _, d := range docs {
		chars += len([]rune(d.Text))
		files[d.Source] = true
	}
	all, _ := BuildVocab(Texts(docs), 0)
	t.Logf("fortunes: %d files, %d documents, %d characters, %d distinct characters", len(files), len(docs), chars, all.Size()-2)

	split, err := SplitDocuments(docs, 0.05, 0.05, 1)
	if err != nil {
		t.Fatal(err)
	}
	train := Texts(split.Train)
	v, err := BuildVocab(train, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, valReplaced := v.EncodeAll(Texts(split.Val))
	_, testReplaced := v.EncodeAll(Texts(split.Test))
	t.Logf("split: %d/%d/%d documents; vocabulary V = %d (+ mask = id %d); characters outside it: %d in validation, %d in test",
		len(split.Train), len(split.Val), len(split.Test), v.Size(), v.MaskID(), valReplaced, testReplaced)
	m, err := NewNGram(v, 5, train)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []struct {
		name string
		docs []Document
	}{{"validation", split.Val}, {"test", split.Test}} {
		whole := m.EvaluateTexts(Texts(part.docs))
		for _, mode := range []Packing{Pad, Pack} {
			s, _, err := EncodeSequences(v, Texts(part.docs), 256, mode)
			if err != nil {
				t.Fatal(err)
			}
			e, err := m.EvaluateSequences(s)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s, L = 256 %v: %d sequences, %.4f bits/char over %d tokens", part.name, mode, s.Len(), e.BitsPerToken(), e.Tokens)
			if bpc := e.BitsPerToken(); !(bpc > 1 && bpc < 3.5) {
				t.Errorf("%s %v: %.3f bits/char, want a 5-gram's 1..3.5", part.name, mode, bpc)
			}
		}
		t.Logf("%s, whole documents: %.4f bits/char over %d tokens", part.name, whole.BitsPerToken(), whole.Tokens)
	}

	// The baseline's samples and, as the floor, the validation documents,
	// measured against the training split.
	index, err := NewTrainingIndex(train, NoveltyWindow)
	if err != nil {
		t.Fatal(err)
	}
	ref := Reference{Train: index, HeldOut: Texts(split.Test)}
	if wl, err := LoadWordList(DefaultWordList); err == nil {
		ref.Words = wl
	} else {
		t.Logf("no word validity: %v", err)
	}
	rng := tensor.NewRNG(1)
	samples := make([]string, len(split.Val))
	for i := range samples {
		ids, err := m.Sample(rng, nil, 255, 1)
		if err != nil {
			t.Fatal(err)
		}
		samples[i], _ = v.Decode(ids)
	}
	for _, c := range []struct {
		name  string
		texts []string
	}{{"5-gram samples (T = 1, seed 1, ≤ 255 characters)", samples}, {"validation documents", Texts(split.Val)}} {
		st := SampleStats(c.texts, ref)
		t.Logf("%s: %d texts, %d chars; entropy %.3f bits (test text %.3f); distinct-2 chars %.3f words %.3f; word validity %.3f of %d; novel %.3f; copied %d-char windows %.3f of %d",
			c.name, st.Samples, st.Chars, st.EntropyBits, st.HeldOutEntropy, st.Distinct2Chars, st.Distinct2Words, st.WordValidity, st.Words, st.Novel, NoveltyWindow, st.CopiedWindows, st.Windows)
	}
	t.Logf("sample: %q", samples[0])
	t.Logf("took %v", time.Since(start).Round(time.Millisecond))
}
