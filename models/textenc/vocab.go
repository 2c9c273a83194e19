package textenc

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Special ids.
const (
	PAD = 0 // after the prompt
	CLS = 1 // first position; its output is the pooled vector
)

// Vocab maps characters to ids 2…; it is saved as JSON with the encoder.
type Vocab struct {
	Chars  string `json:"chars"`   // the characters in id order, from id 2
	MaxLen int    `json:"max_len"` // longest prompt, in characters
	ids    map[rune]int
}

// NewVocab collects the characters of captions (lower-cased) into a
// vocabulary, sorted by code point, with prompts of at most maxLen
// characters.
func NewVocab(captions []string, maxLen int) (*Vocab, error) {
	if maxLen < 1 {
		return nil, fmt.Errorf("textenc: max length %d: want ≥ 1", maxLen)
	}
	set := map[rune]bool{}
	for i, c := range captions {
		if !utf8.ValidString(c) {
			return nil, fmt.Errorf("textenc: caption %d: not valid UTF-8", i)
		}
		for _, r := range strings.ToLower(c) {
			set[r] = true
		}
	}
	rs := make([]rune, 0, len(set))
	for r := range set {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	v := &Vocab{Chars: string(rs), MaxLen: maxLen}
	return v, v.index()
}

// index builds the rune → id map, refusing repeated characters (a
// hand-edited or corrupt vocabulary file).
func (v *Vocab) index() error {
	v.ids = map[rune]int{}
	for i, r := range []rune(v.Chars) {
		if _, dup := v.ids[r]; dup {
			return fmt.Errorf("textenc: vocabulary: field \"chars\": character %q twice", r)
		}
		v.ids[r] = i + 2
	}
	if v.MaxLen < 1 {
		return fmt.Errorf("textenc: vocabulary: field \"max_len\": want ≥ 1, got %d", v.MaxLen)
	}
	return nil
}

// Check validates a vocabulary read from a file (no repeated character,
// a positive max_len) and prepares it for Tokenize.
func (v *Vocab) Check() error { return v.index() }

// Size is the number of ids: PAD, CLS and the characters.
func (v *Vocab) Size() int { return 2 + utf8.RuneCountInString(v.Chars) }

// Len is the length of a tokenized prompt: CLS then MaxLen positions.
func (v *Vocab) Len() int { return v.MaxLen + 1 }

// Tokenize maps prompts to ids, len(prompts)·Len() of them, row by row.
// See the package comment for the policy on unknown characters and long
// prompts; the error names the prompt, the character and its position.
func (v *Vocab) Tokenize(prompts []string) ([]int, error) {
	if v.ids == nil {
		if err := v.index(); err != nil {
			return nil, err
		}
	}
	l := v.Len()
	ids := make([]int, len(prompts)*l)
	for p, s := range prompts {
		if !utf8.ValidString(s) {
			return nil, fmt.Errorf("prompt %q: not valid UTF-8", s)
		}
		rs := []rune(s)
		if len(rs) > v.MaxLen {
			return nil, fmt.Errorf("prompt %q: %d characters: want at most %d (long prompts are refused, not truncated)", s, len(rs), v.MaxLen)
		}
		row := ids[p*l : (p+1)*l]
		row[0] = CLS
		for i, r := range rs {
			id, ok := v.ids[r]
			if !ok {
				id, ok = v.ids[unicode.ToLower(r)]
			}
			if !ok {
				return nil, fmt.Errorf("prompt %q: character %d %q (%U): not in the text encoder's vocabulary %q", s, i+1, r, r, v.Chars)
			}
			row[1+i] = id
		}
	}
	return ids, nil
}
