package checkpoint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// WriteJSON writes v as indented JSON with a final newline to path,
// atomically (see WriteAtomic).
func WriteJSON(path string, v any) error {
	b, err := EncodeJSON(v)
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// EncodeJSON is v as WriteJSON writes it: indented JSON with a final
// newline (for writers other than a local file).
func EncodeJSON(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ReadJSON decodes the JSON file at path into v, refusing fields that v
// does not have and anything after the value. Errors name the file, the
// line and column, and the field:
//
//	checkpoint train.json:3:9: field "lr": want float64, got string
func ReadJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return DecodeJSON(b, path, v)
}

// DecodeJSON is ReadJSON for data in memory; name is used in errors.
func DecodeJSON(data []byte, name string, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	// at is "name:line:column" of the byte at index i (1-based line and
	// column, as editors count).
	at := func(i int64) string {
		i = min(max(i, 0), int64(len(data)))
		line := 1 + bytes.Count(data[:i], []byte("\n"))
		col := i - int64(bytes.LastIndexByte(data[:i], '\n'))
		return fmt.Sprintf("%s:%d:%d", name, line, col)
	}
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return fmt.Errorf("checkpoint %s: empty file, want a JSON value", name)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return fmt.Errorf("checkpoint %s: JSON ends early", at(int64(len(data))))
		case errors.As(err, &syn):
			return fmt.Errorf("checkpoint %s: invalid JSON: %v", at(syn.Offset-1), syn)
		case errors.As(err, &typ):
			field := typ.Field
			if field == "" {
				field = "(top level)"
			}
			return fmt.Errorf("checkpoint %s: field %q: want %v, got %s", at(typ.Offset-1), field, typ.Type, typ.Value)
		}
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			// The decoder does not say where; the first use of the key is
			// a good guess.
			return fmt.Errorf("checkpoint %s: unknown field %s", at(int64(bytes.Index(data, []byte(f)))), f)
		}
		return fmt.Errorf("checkpoint %s: %w", name, err)
	}
	end := dec.InputOffset() // just past the value
	if _, err := dec.Token(); err != io.EOF {
		i := end + int64(len(data[end:])-len(bytes.TrimLeft(data[end:], " \t\r\n")))
		return fmt.Errorf("checkpoint %s: data after the JSON value", at(i))
	}
	return nil
}
