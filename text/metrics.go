package text

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"slices"
	"strings"
	"unicode"
)

// UnigramEntropy returns the entropy H = −Σ p(c)·log₂ p(c), in bits, of the
// character frequencies p of all texts pooled; 0 for no characters. Samples
// that repeat a few characters score below held-out text, samples of
// uniform noise above it.
func UnigramEntropy(texts []string) float64 {
	counts := map[rune]int{}
	total := 0
	for _, s := range texts {
		for _, r := range s {
			counts[r]++
			total++
		}
	}
	// Add in code-point order so the sum's rounding does not depend on map
	// order.
	chars := make([]rune, 0, len(counts))
	for r := range counts {
		chars = append(chars, r)
	}
	slices.Sort(chars)
	var h float64
	for _, r := range chars {
		p := float64(counts[r]) / float64(total)
		h -= p * math.Log2(p)
	}
	return h
}

// Unit is what DistinctN counts n-grams of.
type Unit int

const (
	// ByChar: n-grams of characters.
	ByChar Unit = iota
	// ByWord: n-grams of words, the lower-cased alphabetic runs of Words.
	ByWord
)

// DistinctN returns distinct-n (Li et al. 2016, "A Diversity-Promoting
// Objective Function for Neural Conversation Models"): the number of
// distinct n-grams divided by the number of n-grams, pooled over all texts,
// with no n-gram crossing from one text into the next. 1 means no n-gram
// repeats; a model that says the same thing over and over scores near 0.
// It returns 0 when the texts hold no n-gram.
func DistinctN(texts []string, n int, unit Unit) float64 {
	seen := map[string]struct{}{}
	total := 0
	for _, s := range texts {
		var units []string
		if unit == ByWord {
			units = Words(s)
		} else {
			for _, r := range s {
				units = append(units, string(r))
			}
		}
		for i := 0; i+n <= len(units); i++ {
			seen[strings.Join(units[i:i+n], "\x00")] = struct{}{}
			total++
		}
	}
	if total == 0 {
		return 0
	}
	return float64(len(seen)) / float64(total)
}

// Words returns the words of s: its maximal runs of letters (Unicode
// category L), lower-cased. "Don't panic!" gives don, t, panic.
func Words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) })
}

// DefaultWordList is Debian's American English word list (package
// wamerican).
const DefaultWordList = "/usr/share/dict/american-english"

// WordList is a set of lower-cased words.
type WordList struct {
	words map[string]struct{}
}

// LoadWordList reads a word list with one word per line (such as
// DefaultWordList), lower-cased. Lines that are not a single word by
// Words (possessives like "Aaron's", blank lines) are skipped; a list
// left without words is an error.
func LoadWordList(path string) (*WordList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("text: word list: %w (Debian: apt-get install wamerican)", err)
	}
	defer f.Close()
	wl := &WordList{words: map[string]struct{}{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.ToLower(strings.TrimSpace(sc.Text()))
		if w := Words(line); len(w) == 1 && w[0] == line {
			wl.words[w[0]] = struct{}{}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("text: word list %s: %w", path, err)
	}
	if len(wl.words) == 0 {
		return nil, fmt.Errorf("text: word list %s: no words, want one word per line", path)
	}
	return wl, nil
}

// NewWordList makes a word list of the given words, lower-cased.
func NewWordList(words []string) *WordList {
	wl := &WordList{words: map[string]struct{}{}}
	for _, w := range words {
		wl.words[strings.ToLower(w)] = struct{}{}
	}
	return wl
}

// Len returns the number of words in the list.
func (wl *WordList) Len() int { return len(wl.words) }

// Contains reports whether word (lower-cased) is in the list.
func (wl *WordList) Contains(word string) bool {
	_, ok := wl.words[strings.ToLower(word)]
	return ok
}

// WordValidity returns the share of the words of texts (Words) that the
// list holds, and the number of words; the share is 0 when there are none.
func WordValidity(texts []string, wl *WordList) (share float64, words int) {
	valid := 0
	for _, s := range texts {
		for _, w := range Words(s) {
			words++
			if _, ok := wl.words[w]; ok {
				valid++
			}
		}
	}
	if words == 0 {
		return 0, 0
	}
	return float64(valid) / float64(words), words
}

// NoveltyWindow is the window length, in characters, over which
// TrainingIndex finds copied text.
const NoveltyWindow = 32

// TrainingIndex remembers the training documents and a hash of every
// window of Window consecutive characters inside them, to tell how much of
// a sample is copied. Windows are 64-bit FNV-1a hashes of the window's
// UTF-8 bytes in a sorted slice (8 bytes per window; about 8 MB for 1 MB of
// text); a sample window that collides with a training one by chance is
// counted as copied, with probability about (training windows)/2⁶⁴.
type TrainingIndex struct {
	Window int

	docs    map[string]struct{}
	windows []uint64 // sorted, distinct
}

// NewTrainingIndex indexes the training texts with the given window length
// (NoveltyWindow unless there is a reason); windows do not cross from one
// document into the next.
func NewTrainingIndex(train []string, window int) (*TrainingIndex, error) {
	if window < 1 {
		return nil, fmt.Errorf("text: novelty window %d: want at least 1 character", window)
	}
	x := &TrainingIndex{Window: window, docs: make(map[string]struct{}, len(train))}
	for _, s := range train {
		x.docs[s] = struct{}{}
		x.windows = appendWindows(x.windows, s, window)
	}
	slices.Sort(x.windows)
	x.windows = slices.Compact(x.windows)
	return x, nil
}

// appendWindows appends the hashes of the windows of n characters of s.
func appendWindows(dst []uint64, s string, n int) []uint64 {
	starts := make([]int, 0, len(s)+1) // byte offset of each character, then len(s)
	for i := range s {
		starts = append(starts, i)
	}
	starts = append(starts, len(s))
	h := fnv.New64a()
	for i := 0; i+n < len(starts); i++ {
		h.Reset()
		h.Write([]byte(s[starts[i]:starts[i+n]]))
		dst = append(dst, h.Sum64())
	}
	return dst
}

// Seen reports whether s is verbatim one of the training documents.
func (x *TrainingIndex) Seen(s string) bool {
	_, ok := x.docs[s]
	return ok
}

// CopiedWindows returns the share of the windows of Window characters of
// the samples that occur in a training document, and the number of
// windows (samples shorter than Window have none); the share is 0 when
// there are none.
func (x *TrainingIndex) CopiedWindows(samples []string) (share float64, windows int) {
	found := 0
	var hs []uint64
	for _, s := range samples {
		hs = appendWindows(hs[:0], s, x.Window)
		for _, h := range hs {
			if _, ok := slices.BinarySearch(x.windows, h); ok {
				found++
			}
		}
		windows += len(hs)
	}
	if windows == 0 {
		return 0, 0
	}
	return float64(found) / float64(windows), windows
}

// Reference is what samples are compared with: the training index, the
// held-out texts and, optionally, a word list.
type Reference struct {
	Train   *TrainingIndex
	HeldOut []string
	Words   *WordList // nil: word validity is not measured
}

// Stats are the measures of a set of text samples. Shares are in [0, 1];
// a share whose count (Words, Windows) is 0 was not measured and is 0.
type Stats struct {
	Samples        int     `json:"samples"`
	Chars          int     `json:"chars"`
	EntropyBits    float64 `json:"entropy_bits"`          // UnigramEntropy of the samples
	HeldOutEntropy float64 `json:"held_out_entropy_bits"` // UnigramEntropy of Reference.HeldOut
	Distinct2Chars float64 `json:"distinct2_chars"`       // DistinctN(samples, 2, ByChar)
	Distinct2Words float64 `json:"distinct2_words"`       // DistinctN(samples, 2, ByWord)
	WordValidity   float64 `json:"word_validity"`         // share of words in Reference.Words
	Words          int     `json:"words"`
	Novel          float64 `json:"novel"`          // share of samples that are no training document
	CopiedWindows  float64 `json:"copied_windows"` // share of sample windows found in training
	Windows        int     `json:"windows"`
}

// SampleStats measures samples against ref (see Stats).
func SampleStats(samples []string, ref Reference) Stats {
	st := Stats{
		Samples:        len(samples),
		EntropyBits:    UnigramEntropy(samples),
		HeldOutEntropy: UnigramEntropy(ref.HeldOut),
		Distinct2Chars: DistinctN(samples, 2, ByChar),
		Distinct2Words: DistinctN(samples, 2, ByWord),
	}
	for _, s := range samples {
		st.Chars += len([]rune(s))
	}
	if ref.Words != nil {
		st.WordValidity, st.Words = WordValidity(samples, ref.Words)
	}
	if ref.Train != nil && len(samples) > 0 {
		novel := 0
		for _, s := range samples {
			if !ref.Train.Seen(s) {
				novel++
			}
		}
		st.Novel = float64(novel) / float64(len(samples))
		st.CopiedWindows, st.Windows = ref.Train.CopiedWindows(samples)
	}
	return st
}
