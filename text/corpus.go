package text

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Document is one unit of text: a line of a plain-text corpus, an entry of a
// fortune file or an element of a JSON array.
type Document struct {
	Text   string // the document, newlines kept inside multi-line documents
	Source string // the file it came from (the base name for fortunes)
	Line   int    // the 1-based line of the file where it starts
}

// Texts returns the Text of each document, in order.
func Texts(docs []Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.Text
	}
	return out
}

// Dedupe drops each document whose text equals an earlier one's up to
// whitespace (runs of spaces, tabs and newlines count as one space, and
// leading and trailing ones are ignored), keeping the first, and returns
// the rest in order with the number dropped. Duplicates would otherwise
// land on both sides of a train/test split.
func Dedupe(docs []Document) (kept []Document, dropped int) {
	seen := make(map[string]struct{}, len(docs))
	for _, d := range docs {
		k := strings.Join(strings.Fields(d.Text), " ")
		if _, dup := seen[k]; dup {
			dropped++
			continue
		}
		seen[k] = struct{}{}
		kept = append(kept, d)
	}
	return kept, dropped
}

// Format is the layout of a corpus file.
type Format int

const (
	// FormatAuto picks the format from the file (see DetectFormat).
	FormatAuto Format = iota
	// FormatLines: one document per line; blank lines are skipped.
	FormatLines
	// FormatFortune: a line holding only "%" ends a document; documents keep
	// their inner newlines and lose leading and trailing blank lines.
	FormatFortune
	// FormatJSON: a JSON array of strings, one document per string.
	FormatJSON
)

var formatNames = []string{"auto", "lines", "fortune", "json"}

// String returns the name ParseFormat accepts.
func (f Format) String() string {
	if f < 0 || int(f) >= len(formatNames) {
		return fmt.Sprintf("Format(%d)", int(f))
	}
	return formatNames[f]
}

// ParseFormat reads a format name: auto, lines, fortune or json.
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames {
		if s == n {
			return Format(i), nil
		}
	}
	return 0, fmt.Errorf("text: corpus format %q: want one of %s", s, strings.Join(formatNames, ", "))
}

// ParseError reports a corpus file that cannot be read as text documents.
// Line is 1-based (0 when the problem is the whole file); Offset is the
// 0-based byte offset in the file (−1 when it does not apply).
type ParseError struct {
	File   string
	Line   int
	Offset int64
	Msg    string
}

// Error formats e as "text: FILE:LINE: MSG (byte offset N)".
func (e *ParseError) Error() string {
	s := "text: " + e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	s += ": " + e.Msg
	if e.Offset >= 0 {
		s += fmt.Sprintf(" (byte offset %d)", e.Offset)
	}
	return s
}

// ReadCorpus reads the documents of the file at path in the given format
// (FormatAuto: see DetectFormat). The file must be UTF-8 text without NUL
// bytes and hold at least one non-blank document; otherwise the error is a
// *ParseError naming the file, the line and the byte offset.
func ReadCorpus(path string, format Format) ([]Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("text: %w", err)
	}
	return ParseCorpus(b, path, format)
}

// DetectFormat guesses the format of a corpus file: JSON when the name ends
// in ".json" or the first non-blank byte is '['; fortune when some line
// holds only "%" (trailing spaces and '\r' allowed); lines otherwise. A
// plain-text corpus whose first line starts with '[' needs FormatLines.
func DetectFormat(name string, data []byte) Format {
	if strings.EqualFold(filepath.Ext(name), ".json") {
		return FormatJSON
	}
	if t := bytes.TrimLeft(data, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '[' {
		return FormatJSON
	}
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		if isSeparator(string(line)) {
			return FormatFortune
		}
	}
	return FormatLines
}

// ParseCorpus is ReadCorpus for data in memory; name is used in errors and
// as each document's Source.
func ParseCorpus(data []byte, name string, format Format) ([]Document, error) {
	if err := checkText(data, name); err != nil {
		return nil, err
	}
	if format == FormatAuto {
		format = DetectFormat(name, data)
	}
	if format != FormatJSON {
		// A byte-order mark is not part of the first document.
		data = bytes.TrimPrefix(data, []byte("\ufeff"))
	}
	var docs []Document
	var err error
	switch format {
	case FormatLines:
		docs = parseLines(string(data), name)
	case FormatFortune:
		docs = parseFortune(string(data), name)
	case FormatJSON:
		docs, err = parseJSON(data, name)
	default:
		return nil, fmt.Errorf("text: %s: corpus format %v: want lines, fortune or json", name, format)
	}
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, &ParseError{File: name, Offset: -1, Msg: fmt.Sprintf("empty corpus: no non-blank documents in %s format", format)}
	}
	return docs, nil
}

// checkText refuses binary files (a NUL byte) and bytes that are not UTF-8,
// naming the line and byte offset of the first one.
func checkText(data []byte, name string) error {
	lineOf := func(i int) int { return 1 + bytes.Count(data[:i], []byte("\n")) }
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return &ParseError{File: name, Line: lineOf(i), Offset: int64(i), Msg: "binary file: NUL byte, want text"}
	}
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			col := i - bytes.LastIndexByte(data[:i], '\n')
			return &ParseError{File: name, Line: lineOf(i), Offset: int64(i),
				Msg: fmt.Sprintf("invalid UTF-8: byte 0x%02x at column %d, want UTF-8 text", data[i], col)}
		}
		i += size
	}
	return nil
}

// lines splits s at '\n' and drops trailing '\r' from each line.
func lines(s string) []string {
	ls := strings.Split(s, "\n")
	if len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	for i, l := range ls {
		ls[i] = strings.TrimRight(l, "\r")
	}
	return ls
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func isSeparator(line string) bool { return strings.TrimRight(line, " \t\r") == "%" }

func parseLines(s, name string) []Document {
	var docs []Document
	for i, l := range lines(s) {
		if !blank(l) {
			docs = append(docs, Document{Text: l, Source: name, Line: i + 1})
		}
	}
	return docs
}

func parseFortune(s, name string) []Document {
	var docs []Document
	var cur []string
	start := 1
	flush := func() {
		for len(cur) > 0 && blank(cur[0]) {
			cur = cur[1:]
			start++
		}
		for len(cur) > 0 && blank(cur[len(cur)-1]) {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			docs = append(docs, Document{Text: strings.Join(cur, "\n"), Source: name, Line: start})
		}
		cur = cur[:0]
	}
	for i, l := range lines(s) {
		if isSeparator(l) {
			flush()
			start = i + 2
			continue
		}
		cur = append(cur, l)
	}
	flush()
	return docs
}

func parseJSON(data []byte, name string) ([]Document, error) {
	lineOf := func(off int64) int {
		off = min(max(off, 0), int64(len(data)))
		return 1 + bytes.Count(data[:off], []byte("\n"))
	}
	// A byte-order mark is skipped; offsets still count it.
	bom := int64(0)
	if bytes.HasPrefix(data, []byte("\ufeff")) {
		data, bom = data[3:], 3
	}
	fail := func(off int64, format string, args ...any) error {
		return &ParseError{File: name, Line: lineOf(off), Offset: off + bom, Msg: fmt.Sprintf(format, args...)}
	}
	syntax := func(err error, at int64) error {
		// The token stream's offsets vary with the kind of error; a whole
		// decode reports every syntax error just after the bad byte.
		var v any
		var syn *json.SyntaxError
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return fail(int64(len(data)), "JSON ends early, want an array of strings closed by ']'")
		case errors.As(json.Unmarshal(data, &v), &syn):
			return fail(syn.Offset-1, "invalid JSON: %v", syn)
		}
		return fail(at, "invalid JSON: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ParseError{File: name, Offset: -1, Msg: "empty corpus: no JSON value, want an array of strings"}
		}
		return nil, syntax(err, 0)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fail(dec.InputOffset()-1, "JSON top level is %s, want an array of strings", describeToken(tok))
	}
	var docs []Document
	for i := 0; ; i++ {
		at := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, syntax(err, at)
		}
		if d, ok := tok.(json.Delim); ok && d == ']' {
			break
		}
		// The element starts after any whitespace and the comma.
		start := at + int64(len(data[at:])-len(bytes.TrimLeft(data[at:], " \t\r\n,")))
		s, ok := tok.(string)
		if !ok {
			return nil, fail(start, "JSON element %d is %s, want a string", i, describeToken(tok))
		}
		if strings.IndexByte(s, 0) >= 0 {
			return nil, fail(start, "JSON element %d holds a NUL character, want text", i)
		}
		if !blank(s) {
			docs = append(docs, Document{Text: s, Source: name, Line: lineOf(start)})
		}
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fail(end+int64(len(data[end:])-len(bytes.TrimLeft(data[end:], " \t\r\n"))), "data after the JSON array")
	}
	return docs, nil
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "an array"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}
