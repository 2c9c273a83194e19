package data

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseCSV(t *testing.T) {
	in := "a,b,c\n1,x,\n2, y ,NA\n\"3,5\",\"q\"\"\",?\n"
	tb, err := ParseCSV(strings.NewReader(in), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tb.Columns, []string{"a", "b", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Columns = %q, want %q", got, want)
	}
	wantRows := [][]string{{"1", "x", ""}, {"2", "y", ""}, {"3,5", `q"`, ""}}
	if !reflect.DeepEqual(tb.Rows, wantRows) {
		t.Errorf("Rows = %q, want %q", tb.Rows, wantRows)
	}
	for i := range 3 {
		if !tb.Missing[i][2] || tb.Missing[i][0] {
			t.Errorf("Missing[%d] = %v, want only column c missing", i, tb.Missing[i])
		}
	}
	if got, want := tb.Lines, []int{2, 3, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("Lines = %v, want %v", got, want)
	}
}

func TestParseCSVErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string // substrings of the error
	}{
		{"short row", "a,b,c\n1,2,3\n4,5\n", []string{"t.csv:3", "row 2", `column 3 (c)`, "want 3 fields", "got 2"}},
		{"long row", "a,b\n1,2\n3,4,5\n", []string{"t.csv:3", "row 2", "column 3", "got 3 fields"}},
		{"empty file", "", []string{"t.csv:1", "header"}},
		{"repeated column", "a,a\n1,2\n", []string{`field "a"`, "unique"}},
		{"empty column name", "a,,c\n1,2,3\n", []string{"column 2", "column name"}},
		{"bad quote", "a,b\n1,\"2\n", []string{"t.csv:2", "valid CSV"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCSV(strings.NewReader(tc.in), "t.csv")
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want a *ParseError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// FuzzCSV checks that ParseCSV never panics and that whatever it accepts
// survives WriteCSV and a second ParseCSV unchanged.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a\n\n", "x,y,z\n1,,3\n\"q,\"\"\",NA,?\n", "a,b\n1\n", "\ufeffa;b\n1;2\n",
		"000\n ", // a lone empty field once came back as a blank line, which readers skip
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		tb, err := ParseCSV(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, tb); err != nil {
			t.Fatalf("WriteCSV: %v", err)
		}
		back, err := ParseCSV(&buf, "back.csv")
		if err != nil {
			t.Fatalf("re-reading %q: %v", buf.String(), err)
		}
		if !reflect.DeepEqual(back.Columns, tb.Columns) {
			t.Fatalf("columns %q came back as %q", tb.Columns, back.Columns)
		}
		if len(back.Rows) != len(tb.Rows) {
			t.Fatalf("%d rows came back as %d", len(tb.Rows), len(back.Rows))
		}
		for i := range tb.Rows {
			for j := range tb.Rows[i] {
				if tb.Missing[i][j] != back.Missing[i][j] || (!tb.Missing[i][j] && tb.Rows[i][j] != back.Rows[i][j]) {
					t.Fatalf("cell (%d, %d) %q (missing %v) came back as %q (missing %v)", i, j,
						tb.Rows[i][j], tb.Missing[i][j], back.Rows[i][j], back.Missing[i][j])
				}
			}
		}
	})
}
