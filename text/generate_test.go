package text

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// randomModel is an untrained model over the vocabulary of a few names:
// enough to check what generation keeps and refuses.
func randomModel(t *testing.T, objective string, l int) *Model {
	t.Helper()
	v, err := BuildVocab([]string{"Anna", "Jonas", "Maria Zoe"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewModelConfig(objective, "tiny", v.Size(), l)
	if err != nil {
		t.Fatal(err)
	}
	c.Net.D, c.Net.Layers, c.Net.Heads = 16, 1, 2
	m, err := NewModel(c, v, tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestGenerateKeepsGivenCharacters(t *testing.T) {
	m := randomModel(t, MDLM, 12)
	ctx := context.Background()
	gen, err := Generate(ctx, m, Request{N: 20, Steps: 6, Seed: 1, Batch: 7, Prompt: "Jo"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range gen.Texts {
		if !strings.HasPrefix(s, "Jo") {
			t.Errorf("completion %q lost its prompt", s)
		}
	}
	gen, err = Generate(ctx, m, Request{N: 20, Steps: 6, Seed: 2, Infill: "A_a Zo_", Gap: "_", GapLength: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range gen.Texts {
		// Fixed: "A", "a Zo"; gaps of up to 2 characters each (an end
		// marker drawn inside a gap is dropped).
		r := []rune(s)
		if r[0] != 'A' || !strings.Contains(s, "a Zo") || len(r) > 1+2+4+2 {
			t.Errorf("infill %q does not keep A…a Zo…", s)
		}
	}
	again, err := Generate(ctx, m, Request{N: 20, Steps: 6, Seed: 2, Infill: "A_a Zo_", Gap: "_", GapLength: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(again.Texts, "|") != strings.Join(gen.Texts, "|") {
		t.Errorf("the same seed gave %q then %q", gen.Texts, again.Texts)
	}
}

func TestGenerateLongerThanContext(t *testing.T) {
	m := randomModel(t, MDLM, 8)
	gen, err := Generate(context.Background(), m, Request{N: 3, Steps: 4, Seed: 1, Prompt: "Mar", Length: 30}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range gen.Texts {
		if !strings.HasPrefix(s, "Mar") || len([]rune(s)) > 33 {
			t.Errorf("long completion %q", s)
		}
	}
}

func TestGenerateRefusesBadRequests(t *testing.T) {
	m := randomModel(t, MDLM, 8)
	for _, c := range []struct {
		name string
		req  Request
		want string
	}{
		{"unknown character", Request{Prompt: "Zoë"}, "--prompt"},
		{"prompt fills the context", Request{Prompt: "AnnaAnna"}, "context of 8"},
		{"infill too long", Request{Infill: "Anna_Anna", Gap: "_"}, "context of 8"},
		{"no gap marker", Request{Infill: "Anna", Gap: "_"}, `"_" does not occur`},
		{"infill and prompt", Request{Infill: "A_", Gap: "_", Prompt: "A"}, "cannot be combined"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.req.N, c.req.Steps = 1, 2
			_, err := Generate(context.Background(), m, c.req, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	ar := randomModel(t, Autoregressive, 8)
	if _, err := Generate(context.Background(), ar, Request{N: 1, Steps: 2}, nil); err == nil {
		t.Error("masked-diffusion sampling of an autoregressive model was not refused")
	}
}

// The autoregressive bits of a whole window in one call equal those of
// each prefix alone: the causal mask hides the future.
func TestAutoregressiveBitsAreCausal(t *testing.T) {
	m := randomModel(t, Autoregressive, 8)
	x0, err := m.Vocab.Encode("Maria")
	if err != nil {
		t.Fatal(err)
	}
	row := append(x0, make([]int, 3)...) // end marker and padding
	whole, err := autoregressiveBits(m, row, 1, 8)
	if err != nil {
		t.Fatal(err)
	}
	in := shiftRight(row, 1, 8, m.V())
	prefixes := 0.0
	for j := range scoredTokens(row) {
		logits, err := m.Net.Logits(in[:j+1], 1, j+1, nil)
		if err != nil {
			t.Fatal(err)
		}
		prefixes -= logSoftmaxAt(logits[j*m.V():(j+1)*m.V()], row[j]) / math.Ln2
	}
	if math.Abs(whole-prefixes) > 1e-4*prefixes {
		t.Errorf("whole-window bits %.6f, prefix by prefix %.6f", whole, prefixes)
	}
	texts, err := SampleAutoregressive(context.Background(), m, 5, 1, 1, 2)
	if err != nil || len(texts) != 5 {
		t.Fatalf("SampleAutoregressive: %v, %d texts", err, len(texts))
	}
}

// scoredTokens counts each window's characters and its end marker when
// the window has room for it (hand-counted cases, windows of 4); the
// n-gram baseline and the models all divide by it.
func TestScoredTokens(t *testing.T) {
	v, err := BuildVocab([]string{"ab", "ba"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		texts []string
		want  int
	}{
		{[]string{"ab"}, 3},          // a b EOD pad
		{[]string{"abab"}, 4},        // a b a b: no room for the end marker
		{[]string{"aba"}, 4},         // a b a EOD
		{[]string{"ab", "b"}, 3 + 2}, // a b EOD pad | b EOD pad pad
	} {
		s, _, err := EncodeSequences(v, c.texts, 4, Pad)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for i := range s.Len() {
			n += scoredTokens(s.Row(i))
		}
		if n != c.want {
			t.Errorf("%q: scoredTokens %d, want %d", c.texts, n, c.want)
		}
	}
}
