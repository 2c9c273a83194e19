package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
)

// ReadJSONRows reads a JSON array of flat records ([{"a": 1, "b": "x"}, …]) at
// path into a Table. Columns are the keys in order of first appearance; a null
// or a key a record lacks is a missing cell. Nested objects and arrays are
// refused with the record and key named.
func ReadJSONRows(path string) (*Table, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	return ParseJSONRows(b, path)
}

// ParseJSONRows reads a JSON array of records from b; name is used in errors.
// Lines holds the line each record starts on.
func ParseJSONRows(b []byte, name string) (*Table, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	lineAt := func(off int64) int { return 1 + bytes.Count(b[:min(int(off), len(b))], []byte("\n")) }
	bad := func(field, want, got string) error {
		return &ParseError{File: name, Line: lineAt(dec.InputOffset()), Field: field, Want: want, Got: got}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, bad("", "a JSON array of records", fmt.Sprint(tokenText(tok, err)))
	}
	t := &Table{File: name}
	index := map[string]int{}
	var recs []map[string]string
	for dec.More() {
		line := lineAt(nextToken(b, dec.InputOffset()))
		rec := map[string]string{}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return nil, bad(fmt.Sprintf("record %d", len(recs)+1), "an object", tokenText(tok, err))
		}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, bad(fmt.Sprintf("record %d", len(recs)+1), "a key", err.Error())
			}
			key := kt.(string)
			vt, err := dec.Token()
			field := fmt.Sprintf("record %d, column %q", len(recs)+1, key)
			if err != nil {
				return nil, bad(field, "a value", err.Error())
			}
			var s string
			switch v := vt.(type) {
			case nil:
				continue
			case string:
				s = v
			case json.Number:
				s = v.String()
			case bool:
				s = strconv.FormatBool(v)
			default:
				return nil, bad(field, "a string, number, boolean or null", fmt.Sprint(v))
			}
			if _, ok := index[key]; !ok {
				index[key] = len(t.Columns)
				t.Columns = append(t.Columns, key)
			}
			rec[key] = s
		}
		if _, err := dec.Token(); err != nil {
			return nil, bad(fmt.Sprintf("record %d", len(recs)+1), "end of object", err.Error())
		}
		recs = append(recs, rec)
		t.Lines = append(t.Lines, line)
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad("", "end of array", err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad("", "end of file after the array", "more data")
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	for _, rec := range recs {
		row := make([]string, len(t.Columns))
		miss := make([]bool, len(t.Columns))
		for j, c := range t.Columns {
			v, ok := rec[c]
			row[j], miss[j] = v, !ok
		}
		t.Rows = append(t.Rows, row)
		t.Missing = append(t.Missing, miss)
	}
	return t, nil
}

// tokenText describes a JSON token (or the error reading it) for messages.
func tokenText(tok json.Token, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprint(tok)
}

// nextToken returns the offset of the first byte at or after off that is not
// JSON whitespace or a comma: where the next value starts.
func nextToken(b []byte, off int64) int64 {
	for off < int64(len(b)) && bytes.IndexByte([]byte(" \t\r\n,"), b[off]) >= 0 {
		off++
	}
	return off
}
