package data

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseJSONRows(t *testing.T) {
	in := `[
 {"b": 1.5, "a": "x", "c": true},
 {"a": null, "b": 2},
 {"c": false, "a": "y", "b": -3e2}
]`
	tb, err := ParseJSONRows([]byte(in), "t.json")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"b", "a", "c"}; !reflect.DeepEqual(tb.Columns, want) {
		t.Errorf("Columns = %q, want %q (first-seen key order)", tb.Columns, want)
	}
	wantRows := [][]string{{"1.5", "x", "true"}, {"2", "", ""}, {"-3e2", "y", "false"}}
	if !reflect.DeepEqual(tb.Rows, wantRows) {
		t.Errorf("Rows = %q, want %q", tb.Rows, wantRows)
	}
	wantMiss := [][]bool{{false, false, false}, {false, true, true}, {false, false, false}}
	if !reflect.DeepEqual(tb.Missing, wantMiss) {
		t.Errorf("Missing = %v, want %v", tb.Missing, wantMiss)
	}
	if want := []int{2, 3, 4}; !reflect.DeepEqual(tb.Lines, want) {
		t.Errorf("Lines = %v, want %v", tb.Lines, want)
	}
}

func TestParseJSONRowsErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"not an array", `{"a": 1}`, "array of records"},
		{"nested value", "[\n{\"a\": 1},\n{\"a\": [1, 2]}\n]", `t.json:3: field "record 2, column \"a\""`},
		{"not an object", `[1]`, "record 1"},
		{"trailing data", `[{"a": 1}] x`, "end of file"},
		{"no columns", `[{}]`, "at least one column"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseJSONRows([]byte(tc.in), "t.json")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// FuzzJSONRows checks that ParseJSONRows never panics and that every table
// it accepts is rectangular with one line per row.
func FuzzJSONRows(f *testing.F) {
	for _, s := range []string{`[{"a": 1, "b": "x"}, {"b": null}]`, `[]`, `[{"a": [1]}]`, `{"a": 1}`, `[{"a": true}] `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := ParseJSONRows(b, "fuzz.json")
		if err != nil {
			return
		}
		if len(tb.Lines) != len(tb.Rows) || len(tb.Missing) != len(tb.Rows) {
			t.Fatalf("%d rows, %d lines, %d missing rows", len(tb.Rows), len(tb.Lines), len(tb.Missing))
		}
		for i, row := range tb.Rows {
			if len(row) != len(tb.Columns) || len(tb.Missing[i]) != len(tb.Columns) {
				t.Fatalf("row %d has %d cells for %d columns", i, len(row), len(tb.Columns))
			}
		}
	})
}
