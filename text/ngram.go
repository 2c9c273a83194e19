package text

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/diffusego/diffusego/tensor"
)

// KNDiscount is the fixed absolute discount D of NGram at every order, the
// usual choice for plain interpolated Kneser–Ney (Chen & Goodman 1999 §3).
const KNDiscount = 0.75

// NGram is a character n-gram model with interpolated Kneser–Ney smoothing
// (Kneser & Ney 1995; the interpolated form of Chen & Goodman 1999, eq. 26),
// plain rather than modified: one fixed discount D = KNDiscount. Over the
// token ids 0..V−1 of its Vocab, with history h = w_{i−n+1} … w_{i−1}:
//
//	P_n(w | h) = max(c(hw) − D, 0)/c(h) + D·N₁₊(h•)/c(h) · P_{n−1}(w | h′)
//
// where c counts n-grams in the training text, N₁₊(h•) is the number of
// distinct w seen after h and h′ drops the oldest token of h. The lower
// orders use continuation counts N₁₊(•h′w), the number of distinct tokens
// seen before h′w, in place of c, and the recursion ends in the uniform
// distribution 1/V. A history never seen passes straight to the next lower
// order. Every P(·|h) sums to 1 over the V ids.
//
// Documents are modelled as in MakeSequences: each starts with a history of
// PadID and ends with one PadID, which the model predicts, so the end of a
// document is part of the model. A PadID inside a history ends a document:
// only the tokens after the last PadID count. Characters the vocabulary
// lacks (in held-out text) are ReplacementID, which the training text of an
// uncapped vocabulary never holds; it gets only the uniform floor's share,
// D·N₁₊/c·…·1/V, so unseen characters cost many bits but never infinitely
// many.
//
// A trained NGram is only read, so one model may serve several goroutines.
type NGram struct {
	Vocab *Vocab
	Order int // n

	v      uint64       // V
	levels []ngramLevel // levels[k−1] holds the k-grams, k = 1..n
}

// ngramLevel holds the k-grams of one order, keyed by Σ t_i·V^(k−i) (the
// oldest token most significant), so the k-grams of one context (key / V)
// are contiguous.
type ngramLevel struct {
	keys   []uint64 // ascending
	counts []int64  // c(hw) at the top order, N₁₊(•hw) below
	ctx    []uint64 // distinct contexts (key / V), ascending
	start  []int    // ctx[j] owns keys[start[j]:start[j+1]]; len(ctx)+1
	total  []int64  // Σ counts over the context's k-grams
}

// NewNGram trains an order-n model (n ≥ 1) on texts encoded with v
// (EncodeReplacing). V^n must fit in 63 bits.
func NewNGram(v *Vocab, order int, texts []string) (*NGram, error) {
	if order < 1 {
		return nil, fmt.Errorf("text: n-gram order %d: want at least 1", order)
	}
	V := uint64(v.Size())
	pow := make([]uint64, order+1) // pow[k] = V^k
	pow[0] = 1
	for k := 1; k <= order; k++ {
		if pow[k-1] > math.MaxInt64/V {
			return nil, fmt.Errorf("text: n-gram order %d with %d tokens: V^n must stay below 2^63, want a lower order", order, V)
		}
		pow[k] = pow[k-1] * V
	}
	docs, _ := v.EncodeAll(texts)
	var keys []uint64
	for _, d := range docs {
		// The history starts as n−1 PadIDs, whose key is 0 (PadID = 0).
		var key uint64
		for _, t := range append(d, PadID) {
			key = (key*V + uint64(t)) % pow[order]
			keys = append(keys, key)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("text: n-gram: no training text")
	}
	m := &NGram{Vocab: v, Order: order, v: V, levels: make([]ngramLevel, order)}
	slices.Sort(keys)
	m.levels[order-1] = newLevel(keys, V)
	for k := order - 1; k >= 1; k-- {
		// N₁₊(•hw): each distinct (k+1)-gram adds one to its k-suffix.
		upper := m.levels[k].keys
		suffix := make([]uint64, len(upper))
		for i, key := range upper {
			suffix[i] = key % pow[k]
		}
		slices.Sort(suffix)
		m.levels[k-1] = newLevel(suffix, V)
	}
	return m, nil
}

// newLevel counts the runs of equal keys in sorted and groups them by
// context.
func newLevel(sorted []uint64, V uint64) ngramLevel {
	var lv ngramLevel
	for i := 0; i < len(sorted); {
		j := i + 1
		for j < len(sorted) && sorted[j] == sorted[i] {
			j++
		}
		key, c := sorted[i], int64(j-i)
		if n := len(lv.ctx); n == 0 || lv.ctx[n-1] != key/V {
			lv.ctx = append(lv.ctx, key/V)
			lv.start = append(lv.start, len(lv.keys))
			lv.total = append(lv.total, 0)
		}
		lv.keys = append(lv.keys, key)
		lv.counts = append(lv.counts, c)
		lv.total[len(lv.total)-1] += c
		i = j
	}
	lv.start = append(lv.start, len(lv.keys))
	return lv
}

// contextKeys returns, for k = 1..n, the key of the last k−1 tokens of the
// current document in hist (after its last PadID), with PadID before its
// start.
func (m *NGram) contextKeys(hist []int) []uint64 {
	for i := len(hist) - 1; i >= 0; i-- {
		if hist[i] == PadID {
			hist = hist[i+1:]
			break
		}
	}
	ck := make([]uint64, m.Order)
	var key, pow uint64 = 0, 1
	for k := 2; k <= m.Order; k++ {
		// Add the token k−1 places back as the new most significant digit.
		if j := len(hist) - (k - 1); j >= 0 {
			key += uint64(hist[j]) * pow
		}
		pow *= m.v
		ck[k-1] = key
	}
	return ck
}

// find returns the index of context c in lv, if seen.
func (lv *ngramLevel) find(c uint64) (int, bool) {
	j := sort.Search(len(lv.ctx), func(j int) bool { return lv.ctx[j] >= c })
	return j, j < len(lv.ctx) && lv.ctx[j] == c
}

// checkHistory refuses ids outside 0..V−1.
func (m *NGram) checkHistory(hist []int) error {
	for i, t := range hist {
		if t < 0 || uint64(t) >= m.v {
			return fmt.Errorf("text: n-gram history position %d holds id %d, want 0..%d", i, t, m.v-1)
		}
	}
	return nil
}

// Prob returns P(w | hist), the probability that token w follows the
// tokens hist (see NGram for how PadID in hist is read).
func (m *NGram) Prob(w int, hist []int) (float64, error) {
	if w < 0 || uint64(w) >= m.v {
		return 0, fmt.Errorf("text: n-gram token %d: want 0..%d", w, m.v-1)
	}
	if err := m.checkHistory(hist); err != nil {
		return 0, err
	}
	return m.prob(w, m.contextKeys(hist)), nil
}

func (m *NGram) prob(w int, ck []uint64) float64 {
	p := 1 / float64(m.v)
	for k := 1; k <= m.Order; k++ {
		lv := &m.levels[k-1]
		j, ok := lv.find(ck[k-1])
		if !ok {
			continue // unseen history: P_k = P_{k−1}
		}
		lo, hi := lv.start[j], lv.start[j+1]
		tot := float64(lv.total[j])
		p *= KNDiscount * float64(hi-lo) / tot
		want := ck[k-1]*m.v + uint64(w)
		if i := lo + sort.Search(hi-lo, func(i int) bool { return lv.keys[lo+i] >= want }); i < hi && lv.keys[i] == want {
			p += max(float64(lv.counts[i])-KNDiscount, 0) / tot
		}
	}
	return p
}

// Dist returns P(· | hist) over the V token ids.
func (m *NGram) Dist(hist []int) ([]float64, error) {
	if err := m.checkHistory(hist); err != nil {
		return nil, err
	}
	ck := m.contextKeys(hist)
	p := make([]float64, m.v)
	for w := range p {
		p[w] = 1 / float64(m.v)
	}
	for k := 1; k <= m.Order; k++ {
		lv := &m.levels[k-1]
		j, ok := lv.find(ck[k-1])
		if !ok {
			continue
		}
		lo, hi := lv.start[j], lv.start[j+1]
		tot := float64(lv.total[j])
		lambda := KNDiscount * float64(hi-lo) / tot
		for w := range p {
			p[w] *= lambda
		}
		for i := lo; i < hi; i++ {
			p[lv.keys[i]%m.v] += max(float64(lv.counts[i])-KNDiscount, 0) / tot
		}
	}
	return p, nil
}

// Eval is the cost of held-out text under a model: Bits = −Σ log₂ P over
// Tokens predicted tokens, the characters and one end-of-document PadID
// per document.
type Eval struct {
	Bits   float64
	Tokens int
}

// BitsPerToken returns Bits/Tokens: bits per character, counting each
// document's end marker as a character.
func (e Eval) BitsPerToken() float64 { return e.Bits / float64(e.Tokens) }

// EvaluateTexts scores whole documents: each from an empty history, its
// characters (encoded with EncodeReplacing) and its end marker.
func (m *NGram) EvaluateTexts(texts []string) Eval {
	var e Eval
	for _, s := range texts {
		ids, _ := m.Vocab.EncodeReplacing(s)
		ids = append(ids, PadID)
		for i, t := range ids {
			e.Bits -= math.Log2(m.prob(t, m.contextKeys(ids[:i])))
			e.Tokens++
		}
	}
	return e
}

// EvaluateSequences scores sequences as a model with context length L sees
// them: each row from an empty history, every token up to and including the
// PadID that follows the row's last character (trailing padding is not
// scored; rows of padding only are skipped). In Pack layout the history
// restarts after each separator.
func (m *NGram) EvaluateSequences(s *Sequences) (Eval, error) {
	var e Eval
	for r := range s.Len() {
		row := s.Row(r)
		if err := m.checkHistory(row); err != nil {
			return Eval{}, fmt.Errorf("row %d: %w", r, err)
		}
		for i := range scoredTokens(row) {
			e.Bits -= math.Log2(m.prob(row[i], m.contextKeys(row[:i])))
			e.Tokens++
		}
	}
	return e, nil
}

// Sample continues prompt (token ids) by drawing up to maxNew tokens from
// P(·|h)^(1/temperature), renormalised, until it draws PadID (the end of the
// document, not returned). ReplacementID is never drawn. It returns the new
// tokens only; the same rng state gives the same tokens.
func (m *NGram) Sample(rng *tensor.RNG, prompt []int, maxNew int, temperature float64) ([]int, error) {
	if !(temperature > 0) || math.IsInf(temperature, 0) {
		return nil, fmt.Errorf("text: n-gram temperature %v: want a finite number > 0", temperature)
	}
	if err := m.checkHistory(prompt); err != nil {
		return nil, err
	}
	hist := slices.Clone(prompt)
	var out []int
	for range maxNew {
		p, _ := m.Dist(hist)
		p[ReplacementID] = 0
		if temperature != 1 {
			// (p/max p)^(1/T) keeps the likeliest token at 1, so a small T
			// cannot underflow every weight to 0.
			top := slices.Max(p)
			for w, q := range p {
				p[w] = math.Pow(q/top, 1/temperature)
			}
		}
		w := drawIndex(rng, p)
		if w == PadID {
			break
		}
		out = append(out, w)
		hist = append(hist, w)
	}
	return out, nil
}

// drawIndex draws i with probability p[i]/Σp by inverting the cumulative
// sum at one uniform number.
func drawIndex(rng *tensor.RNG, p []float64) int {
	var sum float64
	for _, q := range p {
		sum += q
	}
	u := rng.Uniform() * sum
	last := 0
	for i, q := range p {
		if q <= 0 {
			continue
		}
		last = i
		if u < q {
			return i
		}
		u -= q
	}
	return last // rounding left u ≥ the last term
}

// Complete continues the text prompt with up to maxNew sampled characters
// (see Sample), drawing from seed, and returns the continuation. A prompt
// character outside the vocabulary is an *UnknownCharError.
func (m *NGram) Complete(prompt string, maxNew int, temperature float64, seed uint64) (string, error) {
	ids, err := m.Vocab.Encode(prompt)
	if err != nil {
		return "", fmt.Errorf("prompt: %w", err)
	}
	out, err := m.Sample(tensor.NewRNG(seed), ids, maxNew, temperature)
	if err != nil {
		return "", err
	}
	return m.Vocab.Decode(out)
}
