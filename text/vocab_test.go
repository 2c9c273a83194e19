package text

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBuildVocab(t *testing.T) {
	v, err := BuildVocab([]string{"héllo", "world\n"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []rune("\ndhlorwé")
	if got := v.Chars(); !slices.Equal(got, want) {
		t.Errorf("chars %q, want %q", string(got), string(want))
	}
	if v.Size() != len(want)+2 || v.MaskID() != v.Size() {
		t.Errorf("size %d mask %d, want %d and %d", v.Size(), v.MaskID(), len(want)+2, len(want)+2)
	}
	for i, r := range want {
		if id, ok := v.ID(r); !ok || id != i+2 {
			t.Errorf("ID(%q) = %d, %v, want %d", r, id, ok, i+2)
		}
	}
	// The order of the texts does not matter.
	w, _ := BuildVocab([]string{"world\n", "héllo"}, 0)
	if !slices.Equal(w.Chars(), v.Chars()) {
		t.Errorf("vocabulary depends on text order: %q vs %q", string(w.Chars()), string(v.Chars()))
	}
}

func TestEncodeDecode(t *testing.T) {
	v, _ := BuildVocab([]string{"abc é\n"}, 0)
	s := "cab é\nab"
	ids, err := v.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len([]rune(s)) {
		t.Fatalf("%d ids for %d characters", len(ids), len([]rune(s)))
	}
	back, err := v.Decode(ids)
	if err != nil || back != s {
		t.Errorf("Decode(Encode(%q)) = %q, %v", s, back, err)
	}
	// Padding is left out, TrimAtPad keeps the first document.
	withPad := append(append(slices.Clone(ids), PadID, PadID), ids[0])
	if got, _ := v.Decode(withPad); got != s+"c" {
		t.Errorf("Decode with padding = %q, want %q", got, s+"c")
	}
	if got := TrimAtPad(withPad); !slices.Equal(got, ids) {
		t.Errorf("TrimAtPad = %v, want %v", got, ids)
	}
}

func TestEncodeUnknown(t *testing.T) {
	v, _ := BuildVocab([]string{"abc"}, 0)
	_, err := v.Encode("abxé")
	var ue *UnknownCharError
	if !errors.As(err, &ue) || ue.Char != 'x' || ue.Position != 2 {
		t.Fatalf("error %v, want UnknownCharError for 'x' at 2", err)
	}
	if want := `text: character 'x' (U+0078) at position 2 is not in the vocabulary`; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	ids, n := v.EncodeReplacing("aéb€")
	if n != 2 || !slices.Equal(ids, []int{2, ReplacementID, 3, ReplacementID}) {
		t.Errorf("EncodeReplacing = %v, %d replaced; want [2 1 3 1], 2", ids, n)
	}
	if s, _ := v.Decode(ids); s != "a\uFFFDb\uFFFD" {
		t.Errorf("Decode = %q", s)
	}
	for _, bad := range [][]int{{2, v.MaskID()}, {-1}, {v.Size() + 3}} {
		if _, err := v.Decode(bad); err == nil {
			t.Errorf("Decode(%v) accepted, want an error", bad)
		}
	}
}

func TestDecodeMasked(t *testing.T) {
	v, _ := BuildVocab([]string{"cat"}, 0)
	M := v.MaskID()
	ids, _ := v.Encode("cat")
	for _, tc := range []struct {
		ids  []int
		want string
	}{
		{ids, "cat"},
		{[]int{M, ids[1], M}, "_a_"},
		{[]int{M, M, PadID, M}, "___"},
		{nil, ""},
	} {
		if got, err := v.DecodeMasked(tc.ids, '_'); err != nil || got != tc.want {
			t.Errorf("DecodeMasked(%v) = %q, %v; want %q", tc.ids, got, err, tc.want)
		}
	}
	if _, err := v.DecodeMasked([]int{M, M + 1}, '_'); err == nil {
		t.Error("id past the mask accepted")
	}
}

func TestBuildVocabCap(t *testing.T) {
	// Frequencies: a 4, b 3, c 3, d 1, e 1. With 5 ids (pad, replacement
	// and 3 characters) a, b and c stay; ties go to the smaller code point.
	v, err := BuildVocab([]string{"aaaa", "bbb", "ccc", "de"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(v.Chars()); got != "abc" || v.Size() != 5 {
		t.Errorf("capped chars %q (size %d), want abc (5)", got, v.Size())
	}
	ids, n := v.EncodeReplacing("dab")
	if n != 1 || ids[0] != ReplacementID {
		t.Errorf("rare character: ids %v, %d replaced; want the replacement", ids, n)
	}
	if _, err := BuildVocab([]string{"abc"}, 2); err == nil {
		t.Error("cap 2 accepted, want an error")
	}
	if _, err := BuildVocab([]string{"", "\uFFFD"}, 0); err == nil {
		t.Error("no characters accepted, want an error")
	}
}

func TestVocabSaveLoad(t *testing.T) {
	v, _ := BuildVocab([]string{"tab\there \"quoted\" é€😀\n"}, 0)
	path := filepath.Join(t.TempDir(), "vocab.json")
	if err := v.Save(path); err != nil {
		t.Fatal(err)
	}
	w, err := LoadVocab(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(w.Chars(), v.Chars()) || w.Size() != v.Size() {
		t.Errorf("loaded %q, want %q", string(w.Chars()), string(v.Chars()))
	}
}

func TestLoadVocabErrors(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"kind", `{"kind":"x","pad_id":0,"replacement_id":1,"mask_id":3,"chars":["a"]}`, `field "kind": want "diffusego-char-vocab"`},
		{"pad", `{"kind":"diffusego-char-vocab","pad_id":2,"replacement_id":1,"mask_id":3,"chars":["a"]}`, `field "pad_id": want 0, got 2`},
		{"two runes", `{"kind":"diffusego-char-vocab","pad_id":0,"replacement_id":1,"mask_id":4,"chars":["a","bc"]}`, `field "chars[1]": want one character, got "bc"`},
		{"repeat", `{"kind":"diffusego-char-vocab","pad_id":0,"replacement_id":1,"mask_id":4,"chars":["a","a"]}`, `field "chars[1]": "a" repeats chars[0]`},
		{"mask", `{"kind":"diffusego-char-vocab","pad_id":0,"replacement_id":1,"mask_id":9,"chars":["a"]}`, `field "mask_id": want 3`},
		{"unknown field", `{"kind":"diffusego-char-vocab","extra":1}`, `unknown field "extra"`},
		{"empty", `{"kind":"diffusego-char-vocab","pad_id":0,"replacement_id":1,"mask_id":2,"chars":[]}`, `field "chars": want at least one character`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeVocab([]byte(tc.body), "v.json")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "v.json") {
				t.Errorf("error %v, want one naming v.json and containing %q", err, tc.want)
			}
		})
	}
}

func FuzzDecodeVocab(f *testing.F) {
	v, _ := BuildVocab([]string{"seed text\n"}, 0)
	path := filepath.Join(f.TempDir(), "v.json")
	if err := v.Save(path); err != nil {
		f.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	f.Add(b)
	f.Add([]byte(`{"kind":"diffusego-char-vocab","pad_id":0,"replacement_id":1,"mask_id":3,"chars":["\u00e9"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := DecodeVocab(b, "fuzz.json")
		if err != nil {
			return
		}
		s := string(v.Chars())
		ids, err := v.Encode(s)
		if err != nil {
			t.Fatalf("encoding the vocabulary's own characters: %v", err)
		}
		if back, err := v.Decode(ids); err != nil || back != s {
			t.Fatalf("round trip %q → %q, %v", s, back, err)
		}
	})
}
