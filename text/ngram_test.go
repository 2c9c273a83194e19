package text

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// TestNGramKnownAnswers checks P against the Kneser–Ney formulas worked
// out by hand (D = 0.75, ids: pad 0, replacement 1, a 2, b 3).
func TestNGramKnownAnswers(t *testing.T) {
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %.12f, want %.12f", what, got, want)
		}
	}
	v, _ := BuildVocab([]string{"ab"}, 0)

	// Order 1 on "aab": tokens a a b pad, c = 2 1 1 over 4, 3 types.
	// P(w) = max(c−D, 0)/4 + D·3/4 · 1/4.
	m, err := NewNGram(v, 1, []string{"aab"})
	if err != nil {
		t.Fatal(err)
	}
	floor := 0.75 * 3 / 4 / 4
	for _, c := range []struct {
		w    int
		want float64
	}{{2, 1.25/4 + floor}, {3, 0.25/4 + floor}, {PadID, 0.25/4 + floor}, {ReplacementID, floor}} {
		p, _ := m.Prob(c.w, []int{3, 2})
		near("order 1 P", p, c.want)
	}

	// Order 2 on "ab": bigrams (pad a) (a b) (b pad), one each. Unigram
	// continuation counts N₁₊(•w) = 1 for a, b, pad: P₁(w) = 0.25/3 + 0.75·1/4.
	m, _ = NewNGram(v, 2, []string{"ab"})
	p1 := 0.25/3 + 0.75/4
	for _, c := range []struct {
		what string
		w    int
		hist []int
		want float64
	}{
		{"P(b|a)", 3, []int{2}, 0.25 + 0.75*p1},
		{"P(a|a)", 2, []int{2}, 0.75 * p1},
		{"P(a|start)", 2, nil, 0.25 + 0.75*p1},
		{"P(a|after pad)", 2, []int{2, 3, PadID}, 0.25 + 0.75*p1},
		{"P(a|unseen replacement)", 2, []int{ReplacementID}, p1},
		{"P(replacement|unseen replacement)", ReplacementID, []int{ReplacementID}, 0.75 / 4},
	} {
		p, _ := m.Prob(c.w, c.hist)
		near(c.what, p, c.want)
	}
}

func readNames(t *testing.T) []Document {
	t.Helper()
	var docs []Document
	for _, f := range []string{"female-first-names-en.json", "male-first-names-en.json"} {
		d, err := ReadCorpus(filepath.Join("testdata", f), FormatJSON)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d...)
	}
	return docs
}

// namesModel is the order-5 model of 90% of the 8849 first names (trains
// in about 50 ms).
func namesModel(t *testing.T) (*NGram, DocumentSplit) {
	t.Helper()
	split, err := SplitDocuments(readNames(t), 0.1, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	v, err := BuildVocab(Texts(split.Train), 0)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewNGram(v, 5, Texts(split.Train))
	if err != nil {
		t.Fatal(err)
	}
	return m, split
}

func TestNGramSumsToOne(t *testing.T) {
	m, _ := namesModel(t)
	rng := tensor.NewRNG(3)
	V := m.Vocab.Size()
	for trial := range 200 {
		hist := make([]int, rng.Intn(8))
		for i := range hist {
			hist[i] = 1 + rng.Intn(V-1)
			if trial%2 == 0 && i > 0 { // half the histories are real text
				hist[i] = 2 + rng.Intn(V-2)
			}
		}
		p, err := m.Dist(hist)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for w, q := range p {
			sum += q
			if pw, _ := m.Prob(w, hist); math.Abs(pw-q) > 1e-15 {
				t.Fatalf("history %v: Prob(%d) = %v, Dist = %v", hist, w, pw, q)
			}
			if !(q > 0) {
				t.Fatalf("history %v: P(%d) = %v, want > 0", hist, w, q)
			}
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("history %v: probabilities sum to %.15f", hist, sum)
		}
	}
}

func TestNGramHeldOut(t *testing.T) {
	m, split := namesModel(t)
	held := Texts(split.Val)
	real := m.EvaluateTexts(held)
	// The same characters in a random order.
	rng := tensor.NewRNG(5)
	shuffled := make([]string, len(held))
	for i, s := range held {
		r := []rune(s)
		p := rng.Perm(len(r))
		out := make([]rune, len(r))
		for j, k := range p {
			out[j] = r[k]
		}
		shuffled[i] = string(out)
	}
	mixed := m.EvaluateTexts(shuffled)
	if real.Tokens != mixed.Tokens || real.BitsPerToken() >= mixed.BitsPerToken()-0.5 {
		t.Errorf("held-out names %.3f bits/char (%d), shuffled %.3f (%d): want the real names clearly cheaper",
			real.BitsPerToken(), real.Tokens, mixed.BitsPerToken(), mixed.Tokens)
	}
	t.Logf("held-out names: %.3f bits/char, shuffled %.3f", real.BitsPerToken(), mixed.BitsPerToken())

	// Sequences long enough for every name, in either packing, score what
	// whole documents score: the history restarts at each PadID.
	for _, mode := range []Packing{Pad, Pack} {
		s, _, err := EncodeSequences(m.Vocab, held, 32, mode)
		if err != nil {
			t.Fatal(err)
		}
		e, err := m.EvaluateSequences(s)
		if err != nil {
			t.Fatal(err)
		}
		if mode == Pad && (e.Tokens != real.Tokens || math.Abs(e.Bits-real.Bits) > 1e-6*real.Bits) {
			t.Errorf("%v: %d tokens %.6f bits, whole documents %d tokens %.6f bits", mode, e.Tokens, e.Bits, real.Tokens, real.Bits)
		}
		if mode == Pack && e.Tokens > real.Tokens {
			t.Errorf("pack scored %d tokens, more than the %d in the documents", e.Tokens, real.Tokens)
		}
	}
}

func TestNGramDeterministic(t *testing.T) {
	a, split := namesModel(t)
	b, err := NewNGram(a.Vocab, 5, Texts(split.Train))
	if err != nil {
		t.Fatal(err)
	}
	pa, _ := a.Dist([]int{2, 3})
	pb, _ := b.Dist([]int{2, 3})
	if !slices.Equal(pa, pb) {
		t.Error("two models of the same text differ")
	}
	sa, _ := a.Complete("Ma", 30, 1, 9)
	sb, _ := b.Complete("Ma", 30, 1, 9)
	if sa != sb {
		t.Errorf("seed 9: %q then %q", sa, sb)
	}
	var outs []string
	for seed := range uint64(8) {
		s, _ := a.Complete("", 30, 1, seed)
		outs = append(outs, s)
	}
	slices.Sort(outs)
	if len(slices.Compact(outs)) < 4 {
		t.Errorf("8 seeds gave only %q", outs)
	}
}

// TestNGramSampleFrequencies checks the sampler against the model's own
// distribution: one-token draws from a fixed history must match
// P(·|h)^(1/T) renormalised, without the replacement token.
func TestNGramSampleFrequencies(t *testing.T) {
	m, _ := namesModel(t)
	hist, _ := m.Vocab.Encode("Ma")
	const n = 20000
	for _, T := range []float64{1, 0.5} {
		p, _ := m.Dist(hist)
		p[ReplacementID] = 0
		var sum float64
		for w := range p {
			p[w] = math.Pow(p[w], 1/T)
			sum += p[w]
		}
		counts := make([]float64, len(p))
		rng := tensor.NewRNG(1)
		for range n {
			out, err := m.Sample(rng, hist, 1, T)
			if err != nil {
				t.Fatal(err)
			}
			if len(out) == 0 {
				counts[PadID]++
			} else {
				counts[out[0]]++
			}
		}
		for w := range p {
			q := p[w] / sum
			if sd := math.Sqrt(q * (1 - q) / n); math.Abs(counts[w]/n-q) > 5*sd+1e-4 {
				t.Errorf("T=%v: token %d drawn %.4f of the time, want %.4f", T, w, counts[w]/n, q)
			}
		}
		if counts[ReplacementID] != 0 {
			t.Errorf("T=%v: replacement token drawn %v times", T, counts[ReplacementID])
		}
	}
}

// TestNGramColdSampling: as T → 0 the sampler picks the likeliest token
// (the replacement token aside), even where p^(1/T) underflows. (At the
// start of a name, A and C differ by 2 in 10⁵, so T must be tiny.)
func TestNGramColdSampling(t *testing.T) {
	m, _ := namesModel(t)
	for _, prompt := range []string{"", "Ma", "Chr", "xq"} {
		hist, _ := m.Vocab.Encode(prompt)
		p, _ := m.Dist(hist)
		p[ReplacementID] = 0
		best := 0
		for w := range p {
			if p[w] > p[best] {
				best = w
			}
		}
		for seed := range uint64(5) {
			out, err := m.Sample(tensor.NewRNG(seed), hist, 1, 1e-6)
			if err != nil {
				t.Fatal(err)
			}
			got := PadID
			if len(out) > 0 {
				got = out[0]
			}
			if got != best {
				t.Errorf("prompt %q seed %d: drew %d, want the likeliest %d", prompt, seed, got, best)
			}
		}
	}
}

func TestNGramErrors(t *testing.T) {
	m, _ := namesModel(t)
	V := m.Vocab.Size()
	if _, err := NewNGram(m.Vocab, 0, []string{"a"}); err == nil {
		t.Error("order 0 accepted")
	}
	if _, err := NewNGram(m.Vocab, 20, []string{"a"}); err == nil || !strings.Contains(err.Error(), "2^63") {
		t.Errorf("order 20: error %v, want the 2^63 limit", err)
	}
	if _, err := NewNGram(m.Vocab, 3, nil); err == nil {
		t.Error("no training text accepted")
	}
	if _, err := m.Prob(V, nil); err == nil {
		t.Error("Prob of the mask id accepted")
	}
	if _, err := m.Dist([]int{2, V}); err == nil {
		t.Error("history holding the mask id accepted")
	}
	for _, T := range []float64{0, -1, math.Inf(1), math.NaN()} {
		if _, err := m.Sample(tensor.NewRNG(1), nil, 5, T); err == nil {
			t.Errorf("temperature %v accepted", T)
		}
	}
	if _, err := m.Complete("Zoe✓", 5, 1, 1); err == nil || !strings.Contains(err.Error(), "U+2713") {
		t.Errorf("prompt with ✓: error %v, want one naming U+2713", err)
	}
}
