package data

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ReadCaptions reads a caption file for an image folder and returns the
// caption of each of d.Paths ("" for an image the file does not name:
// it trains unconditionally, as a dropped caption does). It also sets
// d.Captions. Two formats, by extension:
//
//   - .csv: a header row "file,caption", then one row per image;
//   - .json: an object {"file": "caption", …}.
//
// file names are relative to d.Root with '/' separators ("cats/01.png").
// A caption file naming an image that is not in the folder, naming one
// twice, or with an empty caption is refused with an error naming the
// caption file, the line (CSV) and the image.
func (d *ImageDir) ReadCaptions(file string) ([]string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("data: captions: %w", err)
	}
	caps, err := ParseCaptions(raw, file)
	if err != nil {
		return nil, err
	}
	index := make(map[string]int, len(d.Paths))
	for i, p := range d.Paths {
		rel, err := filepath.Rel(d.Root, p)
		if err != nil {
			return nil, fmt.Errorf("data: captions: %w", err)
		}
		index[filepath.ToSlash(rel)] = i
	}
	out := make([]string, len(d.Paths))
	for _, c := range caps {
		i, ok := index[c.File]
		if !ok {
			return nil, &ParseError{File: file, Line: c.Line, Field: "file", Want: "an image in " + d.Root, Got: fmt.Sprintf("%q (no such image)", c.File)}
		}
		out[i] = c.Caption
	}
	d.Captions = out
	return out, nil
}

// Caption is one entry of a caption file.
type Caption struct {
	File    string // relative to the image folder, '/' separators
	Caption string
	Line    int // 1-based line in a CSV file; 0 for JSON
}

// ParseCaptions parses a caption file's bytes (CSV when name ends in
// .csv, JSON when it ends in .json) without looking at any folder:
// duplicate files and empty captions are refused here.
func ParseCaptions(raw []byte, name string) ([]Caption, error) {
	var caps []Caption
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		r := csv.NewReader(bytes.NewReader(raw))
		r.FieldsPerRecord = 2
		header, err := r.Read()
		if err != nil {
			return nil, captionCSVError(name, err)
		}
		if strings.TrimPrefix(header[0], "\ufeff") != "file" || header[1] != "caption" {
			return nil, &ParseError{File: name, Line: 1, Field: "header", Want: "file,caption", Got: strings.Join(header, ",")}
		}
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, captionCSVError(name, err)
			}
			line, _ := r.FieldPos(0)
			caps = append(caps, Caption{File: rec[0], Caption: rec[1], Line: line})
		}
	case ".json":
		dec := json.NewDecoder(bytes.NewReader(raw))
		var m map[string]string
		if err := dec.Decode(&m); err != nil {
			return nil, &ParseError{File: name, Field: "captions", Want: `a JSON object {"file": "caption", …}`, Got: err.Error()}
		}
		// Duplicate keys are merged by encoding/json; read the keys again in order to refuse them.
		keys, err := jsonKeys(raw)
		if err != nil {
			return nil, &ParseError{File: name, Field: "captions", Want: `a JSON object {"file": "caption", …}`, Got: err.Error()}
		}
		for _, k := range keys {
			caps = append(caps, Caption{File: k, Caption: m[k]})
		}
	default:
		return nil, &ParseError{File: name, Field: "extension", Want: ".csv or .json", Got: fmt.Sprintf("%q", filepath.Ext(name))}
	}
	seen := make(map[string]int, len(caps))
	for _, c := range caps {
		field := fmt.Sprintf("caption of %q", c.File)
		if c.File == "" {
			return nil, &ParseError{File: name, Line: c.Line, Field: "file", Want: "an image path", Got: "empty"}
		}
		if strings.TrimSpace(c.Caption) == "" {
			return nil, &ParseError{File: name, Line: c.Line, Field: field, Want: "a non-empty caption", Got: "empty"}
		}
		if _, dup := seen[c.File]; dup {
			return nil, &ParseError{File: name, Line: c.Line, Field: "file", Want: "each image once", Got: fmt.Sprintf("%q again", c.File)}
		}
		seen[c.File] = c.Line
	}
	return caps, nil
}

func captionCSVError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: name, Line: pe.Line, Field: "row", Want: "two fields: file,caption", Got: pe.Err.Error()}
	}
	return &ParseError{File: name, Line: 1, Field: "header", Want: "file,caption", Got: err.Error()}
}

// jsonKeys returns the keys of the top-level JSON object in raw, in order.
func jsonKeys(raw []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // '{'
		return nil, err
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := tok.(string)
		keys = append(keys, k)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
	}
	return keys, nil
}
