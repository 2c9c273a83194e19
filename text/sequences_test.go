package text

import (
	"fmt"
	"slices"
	"testing"
)

func TestMakeSequences(t *testing.T) {
	docs := [][]int{{5, 6, 7}, {8}, {2, 3, 4, 5, 6, 7}}
	for _, tc := range []struct {
		mode Packing
		L    int
		want [][]int
	}{
		{Pad, 4, [][]int{{5, 6, 7, 0}, {8, 0, 0, 0}, {2, 3, 4, 5}, {6, 7, 0, 0}}},
		{Pad, 3, [][]int{{5, 6, 7}, {8, 0, 0}, {2, 3, 4}, {5, 6, 7}}}, // no window of padding only
		{Pack, 4, [][]int{{5, 6, 7, 0}, {8, 0, 2, 3}, {4, 5, 6, 7}}},
		{Pad, 1, [][]int{{5}, {6}, {7}, {8}, {2}, {3}, {4}, {5}, {6}, {7}}},
		{Pack, 5, [][]int{{5, 6, 7, 0, 8}, {0, 2, 3, 4, 5}, {6, 7, 0, 0, 0}}},
	} {
		t.Run(fmt.Sprintf("%v/L=%d", tc.mode, tc.L), func(t *testing.T) {
			s, err := MakeSequences(docs, tc.L, tc.mode)
			if err != nil {
				t.Fatal(err)
			}
			var got [][]int
			for i := range s.Len() {
				got = append(got, s.Row(i))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("rows %v, want %v", got, tc.want)
			}
		})
	}
	if _, err := MakeSequences(docs, 0, Pad); err == nil {
		t.Error("L = 0 accepted")
	}
	if _, err := MakeSequences(nil, 8, Pack); err == nil {
		t.Error("no documents accepted")
	}
	if _, err := ParsePacking("both"); err == nil {
		t.Error(`ParsePacking("both") accepted`)
	}
}

func TestEncodeSequencesRoundTrip(t *testing.T) {
	texts := []string{"hello there", "general", "kenobi"}
	v, _ := BuildVocab(texts, 0)
	s, replaced, err := EncodeSequences(v, append(texts, "unseen!"), 4, Pad)
	if err != nil {
		t.Fatal(err)
	}
	if replaced != 3 { // u, s and ! are not in the vocabulary
		t.Errorf("replaced %d, want 3", replaced)
	}
	got, _ := v.Decode(s.Tokens)
	if want := "hello theregeneralkenobi\uFFFDn\uFFFDeen\uFFFD"; got != want {
		t.Errorf("decoded %q, want %q", got, want)
	}
}

func testDocs(n int) []Document {
	docs := make([]Document, n)
	for i := range docs {
		docs[i] = Document{Text: fmt.Sprint("doc ", i), Line: i + 1}
	}
	return docs
}

func TestSplitDocuments(t *testing.T) {
	docs := testDocs(100)
	a, err := SplitDocuments(docs, 0.05, 0.1, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Train) != 85 || len(a.Val) != 5 || len(a.Test) != 10 {
		t.Fatalf("sizes %d/%d/%d, want 85/5/10", len(a.Train), len(a.Val), len(a.Test))
	}
	seen := map[int]int{}
	for _, part := range [][]Document{a.Train, a.Val, a.Test} {
		for i, d := range part {
			seen[d.Line]++
			if i > 0 && part[i-1].Line >= d.Line {
				t.Errorf("part not in corpus order at %d", i)
			}
		}
	}
	if len(seen) != 100 {
		t.Errorf("%d distinct documents across the parts, want 100", len(seen))
	}
	b, _ := SplitDocuments(docs, 0.05, 0.1, 7)
	c, _ := SplitDocuments(docs, 0.05, 0.1, 8)
	if !slices.Equal(Texts(a.Val), Texts(b.Val)) || !slices.Equal(Texts(a.Test), Texts(b.Test)) {
		t.Error("same seed, different split")
	}
	if slices.Equal(Texts(a.Test), Texts(c.Test)) {
		t.Error("seeds 7 and 8 give the same test part")
	}
	if _, err := SplitDocuments(docs[:2], 0.5, 0.5, 1); err == nil {
		t.Error("split leaving no training documents accepted")
	}
}

func TestBatchesResume(t *testing.T) {
	// 10 sequences of length 3 whose first token is their row number.
	tokens := make([]int, 30)
	for i := range 10 {
		tokens[3*i], tokens[3*i+1], tokens[3*i+2] = i, 2, 3
	}
	s := &Sequences{L: 3, Tokens: tokens}
	b, err := NewBatches(s, 4, 11)
	if err != nil {
		t.Fatal(err)
	}
	if b.PerEpoch() != 2 {
		t.Fatalf("PerEpoch = %d, want 2", b.PerEpoch())
	}
	var all [][]int
	for step := range 6 {
		ids, epoch, err := b.Batch(step)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 12 || epoch != step/2 {
			t.Fatalf("step %d: %d ids epoch %d, want 12 and %d", step, len(ids), epoch, step/2)
		}
		all = append(all, ids)
	}
	// Each epoch draws 8 distinct rows.
	for e := range 3 {
		rows := map[int]bool{}
		for _, ids := range all[2*e : 2*e+2] {
			for r := 0; r < len(ids); r += 3 {
				rows[ids[r]] = true
			}
		}
		if len(rows) != 8 {
			t.Errorf("epoch %d drew %d distinct rows, want 8", e, len(rows))
		}
	}
	if slices.Equal(all[0], all[2]) && slices.Equal(all[1], all[3]) {
		t.Error("epochs 0 and 1 in the same order")
	}
	// A fresh server asked for step 5 first (a resumed run) agrees.
	r, _ := NewBatches(s, 4, 11)
	for _, step := range []int{5, 3, 0} {
		ids, _, _ := r.Batch(step)
		if !slices.Equal(ids, all[step]) {
			t.Errorf("resumed step %d: %v, want %v", step, ids, all[step])
		}
	}
	if _, _, err := r.Batch(-1); err == nil {
		t.Error("step -1 accepted")
	}
	if _, err := NewBatches(s, 11, 1); err == nil {
		t.Error("batch larger than the data accepted")
	}
}
