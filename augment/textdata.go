package augment

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/text"
)

// Texts is a labelled text data set: Texts[i] has class Labels[i], an index
// into Classes.
type Texts struct {
	Texts   []string
	Labels  []int
	Classes []string
}

// Len is the number of texts.
func (t *Texts) Len() int { return len(t.Texts) }

// ClassCounts is the number of texts of every class.
func (t *Texts) ClassCounts() []int {
	n := make([]int, len(t.Classes))
	for _, y := range t.Labels {
		n[y]++
	}
	return n
}

// Subset is the texts at idx, in that order, with the same classes.
func (t *Texts) Subset(idx []int) *Texts {
	out := &Texts{Classes: t.Classes, Texts: make([]string, len(idx)), Labels: make([]int, len(idx))}
	for a, i := range idx {
		out.Texts[a], out.Labels[a] = t.Texts[i], t.Labels[i]
	}
	return out
}

// Append is t followed by u (same classes).
func (t *Texts) Append(u *Texts) *Texts {
	return &Texts{Classes: t.Classes, Texts: slices.Concat(t.Texts, u.Texts), Labels: slices.Concat(t.Labels, u.Labels)}
}

// FortunesPrefix starts a source of fortune files as classes:
// "fortunes:computers,definitions,science" reads those files of
// text.FortunesDir, each file one class.
const FortunesPrefix = "fortunes:"

// TextSourceError is a labelled text source that cannot be read as classes:
// it names the source and what was expected.
type TextSourceError struct {
	Source  string
	Problem string
}

func (e *TextSourceError) Error() string {
	return fmt.Sprintf("augment: text data %s: %s", e.Source, e.Problem)
}

// LoadTexts reads labelled text: "fortunes:FILE,FILE,…" (those Debian
// fortune files, each a class), or a folder holding one corpus file per
// class (plain text with one document per line, a fortune file, or a JSON
// array of strings; text.ReadCorpus), the class named by the file name
// without its extension. Every text is cleaned as text.LoadFortunes
// cleans fortunes (text.CleanFortune) and trimmed; a text met again is
// kept once, in the first class that has it. Hidden files and .dat index files are skipped.
// maxChars > 0 keeps only documents of at most that many characters (so
// that a label prefix and the text fit a model's context); the count of
// documents left out is returned. Fewer than two classes, a class without
// a document and a missing file are errors naming the source.
func LoadTexts(source string, maxChars int) (*Texts, int, error) {
	type classFile struct{ name, path string }
	var files []classFile
	format := text.FormatAuto
	if rest, ok := strings.CutPrefix(source, FortunesPrefix); ok {
		format = text.FormatFortune
		for _, name := range strings.Split(rest, ",") {
			name = strings.TrimSpace(name)
			if name == "" || strings.ContainsAny(name, `/\`) {
				return nil, 0, &TextSourceError{Source: source, Problem: fmt.Sprintf("fortune file %q: want a file name of %s", name, text.FortunesDir)}
			}
			path := filepath.Join(text.FortunesDir, name)
			if _, err := os.Stat(path); err != nil {
				return nil, 0, &TextSourceError{Source: source, Problem: fmt.Sprintf("fortune file %q: %v (apt-get install fortunes fortunes-min)", name, err)}
			}
			files = append(files, classFile{name, path})
		}
	} else {
		info, err := os.Stat(source)
		if err != nil {
			return nil, 0, &TextSourceError{Source: source, Problem: fmt.Sprintf("%v: want a folder with one corpus file per class, or %sFILE,FILE", err, FortunesPrefix)}
		}
		if !info.IsDir() {
			return nil, 0, &TextSourceError{Source: source, Problem: "a file: want a folder with one corpus file per class (its name is the class), or " + FortunesPrefix + "FILE,FILE"}
		}
		entries, err := os.ReadDir(source)
		if err != nil {
			return nil, 0, &TextSourceError{Source: source, Problem: err.Error()}
		}
		for _, e := range entries {
			name := e.Name()
			if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || filepath.Ext(name) == ".dat" || name == "manifest.json" || name == "labels.jsonl" {
				continue
			}
			files = append(files, classFile{strings.TrimSuffix(name, filepath.Ext(name)), filepath.Join(source, name)})
		}
	}
	if len(files) < 2 {
		return nil, 0, &TextSourceError{Source: source, Problem: fmt.Sprintf("%d class file: want at least two classes (one corpus file each)", len(files))}
	}
	out := &Texts{}
	seen := map[string]bool{}
	dropped := 0
	for c, f := range files {
		if slices.Contains(out.Classes, f.name) {
			return nil, 0, &TextSourceError{Source: source, Problem: fmt.Sprintf("class %q named twice", f.name)}
		}
		out.Classes = append(out.Classes, f.name)
		docs, err := text.ReadCorpus(f.path, format)
		if err != nil {
			return nil, 0, err
		}
		n := 0
		for _, d := range docs {
			t := strings.TrimSpace(text.CleanFortune(d.Text))
			if t == "" || seen[t] {
				continue
			}
			if maxChars > 0 && utf8.RuneCountInString(t) > maxChars {
				dropped++
				continue
			}
			seen[t] = true
			out.Texts, out.Labels = append(out.Texts, t), append(out.Labels, c)
			n++
		}
		if n == 0 {
			return nil, 0, &TextSourceError{Source: source, Problem: fmt.Sprintf("class %q (%s): no document of at most %d characters", f.name, f.path, maxChars)}
		}
	}
	return out, dropped, nil
}

// SplitTexts splits t per class: from each class, in an order drawn from
// seed, the first val[c] texts go to validation, the next test[c] to test
// and the rest to the training pool. A class with too few texts is an
// error.
func SplitTexts(t *Texts, val, test int, seed uint64) (pool, v, te *Texts, err error) {
	rng := tensor.NewRNG(seed)
	var ip, iv, it []int
	for c := range t.Classes {
		var rows []int
		for i, y := range t.Labels {
			if y == c {
				rows = append(rows, i)
			}
		}
		if len(rows) < val+test+2 {
			return nil, nil, nil, fmt.Errorf("augment: class %q has %d texts: want at least %d (validation %d, test %d, two to train)", t.Classes[c], len(rows), val+test+2, val, test)
		}
		for a, p := range rng.Perm(len(rows)) {
			switch {
			case a < val:
				iv = append(iv, rows[p])
			case a < val+test:
				it = append(it, rows[p])
			default:
				ip = append(ip, rows[p])
			}
		}
	}
	return t.Subset(ip), t.Subset(iv), t.Subset(it), nil
}

// SampleTexts draws perClass texts of every class of t (all of a class
// with fewer), in an order drawn from seed.
func SampleTexts(t *Texts, perClass int, seed uint64) *Texts {
	rng := tensor.NewRNG(seed)
	var idx []int
	for c := range t.Classes {
		var rows []int
		for i, y := range t.Labels {
			if y == c {
				rows = append(rows, i)
			}
		}
		for a, p := range rng.Perm(len(rows)) {
			if a == perClass {
				break
			}
			idx = append(idx, rows[p])
		}
	}
	return t.Subset(idx)
}
