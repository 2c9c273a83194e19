package text

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"unicode"
)

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
