package textenc

import (
	"strings"
	"testing"

	"github.com/diffusego/diffusego/autograd"
)

func TestTokenize(t *testing.T) {
	v, err := NewVocab([]string{"red apple", "Cat face"}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if v.Chars != " acdeflprt" || v.Size() != 12 || v.Len() != 11 {
		t.Fatalf("vocab %q size %d len %d, want \" acdeflprt\" 12 11", v.Chars, v.Size(), v.Len())
	}
	// Upper case maps to lower: C → c = 4, a = 3, then pads.
	ids, err := v.Tokenize([]string{"Ca", ""})
	if err != nil {
		t.Fatal(err)
	}
	want := []int{CLS, 4, 3, PAD, PAD, PAD, PAD, PAD, PAD, PAD, PAD, CLS, PAD, PAD, PAD, PAD, PAD, PAD, PAD, PAD, PAD, PAD}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("Tokenize(\"Ca\", \"\") = %v, want %v", ids, want)
		}
	}
}

func TestTokenizeRefuses(t *testing.T) {
	v, _ := NewVocab([]string{"red apple"}, 10)
	cases := []struct{ name, prompt, want string }{
		{"unknown character", "red bapple", `character 5 'b' (U+0062): not in the text encoder's vocabulary`},
		{"emoji character", "red 🍎", `character 5 '🍎'`},
		{"too long", "red apple red", `13 characters: want at most 10 (long prompts are refused, not truncated)`},
		{"bad utf-8", "re\xffd", "not valid UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := v.Tokenize([]string{"apple", c.prompt})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Tokenize(%q): err = %v, want one containing %q", c.prompt, err, c.want)
			}
		})
	}
	if _, err := NewVocab(nil, 0); err == nil {
		t.Error("max length 0: no error")
	}
}

func TestEncodeShapesAndSaveLoad(t *testing.T) {
	v, _ := NewVocab([]string{"red apple", "cat face"}, 12)
	e, err := New(v, 16, 1, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	g := autograd.NoGrad()
	ctx, pooled, err := e.Encode(g, []string{"red apple", "cat", ""})
	if err != nil {
		t.Fatal(err)
	}
	if s := ctx.Shape(); s[0] != 3 || s[1] != 13 || s[2] != 16 {
		t.Errorf("context %v, want (3, 13, 16)", s)
	}
	if s := pooled.Shape(); s[0] != 3 || s[1] != 16 {
		t.Errorf("pooled %v, want (3, 16)", s)
	}
	p := pooled.Data()
	same := true
	for i := range 16 { // bidirectional: the CLS output sees the characters
		same = same && p[i] == p[16+i]
	}
	if same {
		t.Error("pooled vectors of \"red apple\" and \"cat\" are equal")
	}
	if _, _, err := e.Encode(g, []string{"dog"}); err == nil {
		t.Error("\"dog\" (g not in vocabulary): no error")
	}
	dir := t.TempDir()
	if err := e.Save(dir); err != nil {
		t.Fatal(err)
	}
	f, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, pooled2, _ := f.Encode(autograd.NoGrad(), []string{"red apple", "cat", ""})
	for i, x := range pooled2.Data() {
		if x != p[i] {
			t.Fatalf("reloaded encoder differs at %d", i)
		}
	}
}
