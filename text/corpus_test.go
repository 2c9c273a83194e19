package text

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadCorpusFormats(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		format     Format
		want       []string
		lines      []int
	}{
		{"lines", "sample.txt", FormatLines, []string{"first line", "second line", "  third"}, []int{1, 3, 4}},
		{"lines detected", "sample.txt", FormatAuto, []string{"first line", "second line", "  third"}, []int{1, 3, 4}},
		{"fortune", "sample.fortune", FormatFortune, []string{"Never trust a computer\nyou cannot throw out a window.", "A second one.", "Third"}, []int{1, 5, 8}},
		{"fortune detected", "sample.fortune", FormatAuto, []string{"Never trust a computer\nyou cannot throw out a window.", "A second one.", "Third"}, []int{1, 5, 8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := ReadCorpus(filepath.Join("testdata", tc.file), tc.format)
			if err != nil {
				t.Fatal(err)
			}
			if got := Texts(docs); !slices.Equal(got, tc.want) {
				t.Errorf("texts = %q, want %q", got, tc.want)
			}
			for i, d := range docs {
				if d.Line != tc.lines[i] {
					t.Errorf("document %d: line %d, want %d", i, d.Line, tc.lines[i])
				}
			}
		})
	}
}

func TestReadCorpusJSONNames(t *testing.T) {
	path := filepath.Join("testdata", "female-first-names-en.json")
	docs, err := ReadCorpus(path, FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(Texts(docs), want) {
		t.Fatalf("read %d names, want the %d of encoding/json", len(docs), len(want))
	}
	if docs[0].Text != "Aaren" || docs[0].Source != path || docs[0].Line != 1 {
		t.Errorf("first document %+v, want Aaren from %s line 1", docs[0], path)
	}
}

func TestByteOrderMark(t *testing.T) {
	for _, f := range []Format{FormatAuto, FormatLines, FormatFortune, FormatJSON} {
		data := "\ufeffone\n%\ntwo\n"
		want := []string{"one", "two"}
		if f == FormatJSON || f == FormatAuto {
			data = "\ufeff[\"one\", \"two\"]"
		}
		if f == FormatLines {
			want = []string{"one", "%", "two"}
		}
		docs, err := ParseCorpus([]byte(data), "bom.txt", f)
		if err != nil || !slices.Equal(Texts(docs), want) {
			t.Errorf("%v: %q, %v; want %q", f, Texts(docs), err, want)
		}
	}
	_, err := ParseCorpus([]byte("\ufeff[1]"), "bom.json", FormatJSON)
	if want := "text: bom.json:1: JSON element 0 is a number, want a string (byte offset 4)"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestDedupe(t *testing.T) {
	docs := []Document{{Text: "a b", Source: "x"}, {Text: "c"}, {Text: " a\n\tb ", Source: "y"}, {Text: "ab"}, {Text: "c"}}
	kept, dropped := Dedupe(docs)
	if dropped != 2 || len(kept) != 3 || kept[0].Source != "x" || kept[2].Text != "ab" {
		t.Errorf("Dedupe = %+v, %d dropped; want a b (from x), c, ab and 2 dropped", kept, dropped)
	}
}

func TestDetectFormat(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       Format
	}{
		{"x.json", "a\nb", FormatJSON},
		{"x.txt", "  \n[\"a\"]", FormatJSON},
		{"x.txt", "a\n%\nb", FormatFortune},
		{"x.txt", "a\n% \r\nb", FormatFortune},
		{"x.txt", "a\n%%\nb\n 50%", FormatLines},
	} {
		if got := DetectFormat(tc.name, []byte(tc.data)); got != tc.want {
			t.Errorf("DetectFormat(%s, %q) = %v, want %v", tc.name, tc.data, got, tc.want)
		}
	}
}

func TestParseCorpusErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		format     Format
		want       string // the whole error message
	}{
		{"binary", "ab\ncd\x00ef", FormatAuto, "text: c.txt:2: binary file: NUL byte, want text (byte offset 5)"},
		{"non-utf8", "ok\nline two \xff here\n", FormatLines, "text: c.txt:2: invalid UTF-8: byte 0xff at column 10, want UTF-8 text (byte offset 12)"},
		{"truncated rune", "é\n\xc3", FormatLines, "text: c.txt:2: invalid UTF-8: byte 0xc3 at column 1, want UTF-8 text (byte offset 3)"},
		{"empty", "", FormatAuto, "text: c.txt: empty corpus: no non-blank documents in lines format"},
		{"blank lines", " \n\t\n", FormatLines, "text: c.txt: empty corpus: no non-blank documents in lines format"},
		{"only separators", "%\n%\n", FormatAuto, "text: c.txt: empty corpus: no non-blank documents in fortune format"},
		{"json empty", "", FormatJSON, "text: c.txt: empty corpus: no JSON value, want an array of strings"},
		{"json empty array", "[]", FormatJSON, "text: c.txt: empty corpus: no non-blank documents in json format"},
		{"json object", `{"a": 1}`, FormatJSON, "text: c.txt:1: JSON top level is an object, want an array of strings (byte offset 0)"},
		{"json number", "[\"a\",\n 7]", FormatJSON, "text: c.txt:2: JSON element 1 is a number, want a string (byte offset 7)"},
		{"json nested", `["a", ["b"]]`, FormatJSON, "text: c.txt:1: JSON element 1 is an array, want a string (byte offset 6)"},
		{"json syntax", "[\"a\",\n\"b\" \"c\"]", FormatJSON, "text: c.txt:2: invalid JSON: invalid character '\"' after array element (byte offset 10)"},
		{"json open", `["a", "b"`, FormatJSON, "text: c.txt:1: JSON ends early, want an array of strings closed by ']' (byte offset 9)"},
		{"json trailing", `["a"] x`, FormatJSON, "text: c.txt:1: data after the JSON array (byte offset 6)"},
		{"json second array", `["a"] ["b"]`, FormatJSON, "text: c.txt:1: data after the JSON array (byte offset 6)"},
		{"json bad escape", "[\"a\",\n\"b\\q\"]", FormatJSON, "text: c.txt:2: invalid JSON: invalid character 'q' in string escape code (byte offset 9)"},
		{"json bad element", `["a", x]`, FormatJSON, "text: c.txt:1: invalid JSON: invalid character 'x' looking for beginning of value (byte offset 6)"},
		{"json nul", `["a\u0000b"]`, FormatJSON, "text: c.txt:1: JSON element 0 holds a NUL character, want text (byte offset 1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := ParseCorpus([]byte(tc.data), "c.txt", tc.format)
			if err == nil {
				t.Fatalf("parsed %q, want error %q", Texts(docs), tc.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error %T, want *ParseError", err)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n%s\nwant\n%s", err, tc.want)
			}
		})
	}
}

func TestReadCorpusMissingFile(t *testing.T) {
	_, err := ReadCorpus(filepath.Join(t.TempDir(), "none.txt"), FormatAuto)
	if err == nil || !strings.Contains(err.Error(), "none.txt") {
		t.Errorf("error %v, want one naming none.txt", err)
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range []Format{FormatAuto, FormatLines, FormatFortune, FormatJSON} {
		if got, err := ParseFormat(f.String()); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v, want %v", f.String(), got, err, f)
		}
	}
	if _, err := ParseFormat("csv"); err == nil || !strings.Contains(err.Error(), "lines, fortune, json") {
		t.Errorf("ParseFormat(csv) error %v, want one listing the formats", err)
	}
}

// checkDocs is what every parsed corpus promises.
func checkDocs(t *testing.T, docs []Document) {
	t.Helper()
	for i, d := range docs {
		if blank(d.Text) || strings.IndexByte(d.Text, 0) >= 0 || !isUTF8(d.Text) || d.Line < 1 {
			t.Fatalf("document %d %+v: want non-blank UTF-8 text without NUL and a line ≥ 1", i, d)
		}
	}
}

func isUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// reformat writes docs back in format f.
func reformat(t *testing.T, docs []Document, f Format) []byte {
	texts := Texts(docs)
	switch f {
	case FormatLines:
		return []byte(strings.Join(texts, "\n"))
	case FormatFortune:
		return []byte(strings.Join(texts, "\n%\n"))
	}
	b, err := json.Marshal(texts)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fuzzCorpus(f *testing.F, format Format) {
	for _, name := range []string{"sample.txt", "sample.fortune"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`["a", "b\nc", " ", "\u00e9"]`))
	f.Add([]byte("x\r\n%\r\n\r\ny\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		docs, err := ParseCorpus(b, "fuzz", format)
		if err != nil {
			return
		}
		checkDocs(t, docs)
		again, err := ParseCorpus(reformat(t, docs, format), "fuzz", format)
		if err != nil {
			t.Fatalf("re-parsing %q: %v", Texts(docs), err)
		}
		if !slices.Equal(Texts(again), Texts(docs)) {
			t.Fatalf("round trip %q → %q", Texts(docs), Texts(again))
		}
	})
}

func FuzzReadLines(f *testing.F)   { fuzzCorpus(f, FormatLines) }
func FuzzReadFortune(f *testing.F) { fuzzCorpus(f, FormatFortune) }
func FuzzReadJSON(f *testing.F)    { fuzzCorpus(f, FormatJSON) }
