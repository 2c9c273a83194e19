package checkpoint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// WriteJSON writes v as indented JSON to path, atomically.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// ReadJSON decodes the JSON file at path into v, refusing unknown fields;
// errors name the file and, where known, the field and line.
func ReadJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case asErr(err, &te):
			return fmt.Errorf("config %s:%d: field %q: want %s, got %s", path, line(b, te.Offset), te.Field, te.Type, te.Value)
		case asErr(err, &se):
			return fmt.Errorf("config %s:%d: %v", path, line(b, se.Offset), se)
		}
		return fmt.Errorf("config %s: %v", path, err)
	}
	return nil
}

func asErr[T error](err error, target *T) bool {
	t, ok := err.(T)
	if ok {
		*target = t
	}
	return ok
}

// line is the 1-based line of byte offset off in b.
func line(b []byte, off int64) int {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	return 1 + bytes.Count(b[:off], []byte{'\n'})
}
