package text

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

// FortunesDir is where Debian's fortunes and fortunes-min packages put their
// fortune files.
const FortunesDir = "/usr/share/games/fortunes"

// FortunesExcluded lists the fortune files LoadFortunes leaves out: pictures
// drawn in characters (ascii-art) and collections of jokes about groups of
// people or drugs, which we do not want a model to learn from.
var FortunesExcluded = []string{"ascii-art", "ethnic", "men-women", "drugs"}

// LoadFortunes reads every fortune file in dir (usually FortunesDir) except
// FortunesExcluded, the strfile index files (.dat) and the .u8 links, in
// name order, as FormatFortune. Each document's Source is its file's base
// name. Text is cleaned for modelling (CleanFortune): backspace overstrikes
// are resolved and control characters other than newline and tab dropped.
// A fortune found in several files is kept once, from the first (Dedupe).
// A directory without fortune files is an error that names the package.
func LoadFortunes(dir string) ([]Document, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("text: fortunes: %w (apt-get install fortunes fortunes-min)", err)
	}
	var docs []Document
	files := 0
	for _, e := range entries { // ReadDir sorts by name
		name := e.Name()
		ext := filepath.Ext(name)
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || ext == ".dat" || ext == ".u8" || slices.Contains(FortunesExcluded, name) {
			continue
		}
		path := filepath.Join(dir, name)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("text: fortunes: %w", err)
		}
		parsed, err := ParseCorpus(b, path, FormatFortune)
		if err != nil {
			return nil, err
		}
		files++
		for _, d := range parsed {
			d.Text = CleanFortune(d.Text)
			if blank(d.Text) {
				continue
			}
			d.Source = name
			docs = append(docs, d)
		}
	}
	if files == 0 {
		return nil, fmt.Errorf("text: fortunes: no fortune files in %s (apt-get install fortunes fortunes-min)", dir)
	}
	docs, _ = Dedupe(docs)
	return docs, nil
}

// CleanFortune resolves the backspace overstrikes that old fortune files use
// for bold and underlined text, as a terminal shows them: a backspace moves
// back one character and the next character replaces the one there, except
// that an underscore never replaces another character ("_\bx" and "x\b_"
// both give "x", "__\b\bUN" gives "UN"). Other control characters except
// newline and tab are dropped, as are trailing spaces left on a line.
func CleanFortune(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
		return s
	}
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		var buf []rune
		cur := 0
		for _, r := range l {
			switch {
			case r == '\b':
				cur = max(cur-1, 0)
			case r == '\t' || !unicode.IsControl(r):
				if cur < len(buf) {
					if r != '_' {
						buf[cur] = r
					}
				} else {
					buf = append(buf, r)
				}
				cur++
			}
		}
		ls[i] = strings.TrimRight(string(buf), " ")
	}
	return strings.Join(ls, "\n")
}
