package series

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/data"
)

// FuzzReadSeries feeds arbitrary CSV to FromTable, wide and long: it must not
// panic, and whatever it accepts must be a well-formed series.
func FuzzReadSeries(f *testing.F) {
	for _, name := range []string{"testdata/seattle-weather.csv", "testdata/stocks.csv"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b[:min(len(b), 400)]), false)
	}
	for _, s := range []string{"date,x\n2012-01-01,1\n2012-01-02,NA\n", "t,v\n1,2\n1,3\n", "s,date,p\nA,1,2\nB,1,\n",
		"date,x\nJan 1 2000,1\n", "a\n1\n", "date,x,c\n2012-01,1,a\n2012-02,b,c\n"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, long bool) {
		tb, err := data.ParseCSV(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			return
		}
		opt := Options{}
		if long && len(tb.Columns) > 1 {
			opt.ID = tb.Columns[0]
			opt.Time = tb.Columns[1]
		}
		checkSeries(t, tb, opt)
	})
}

// FuzzReadSeriesJSON is FuzzReadSeries for JSON arrays of records.
func FuzzReadSeriesJSON(f *testing.F) {
	for _, s := range []string{`[{"date": "2012-01-01", "x": 1, "c": "a"}, {"date": "2012-01-02", "x": null, "c": "b"}]`,
		`[{"t": 1, "v": 2}, {"t": 1, "v": 3}]`, `[{"s": "A", "t": 1, "v": 2}, {"s": "B", "t": 1, "v": true}]`, `[]`, `[{"t": 1}]`} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, long bool) {
		tb, err := data.ParseJSONRows([]byte(in), "fuzz.json")
		if err != nil {
			return
		}
		opt := Options{}
		if long && len(tb.Columns) > 1 {
			opt.ID = tb.Columns[0]
			opt.Time = tb.Columns[1]
		}
		checkSeries(t, tb, opt)
	})
}

// checkSeries reads tb with opt: an error must be a *data.ParseError, and a
// series must be well formed.
func checkSeries(t *testing.T, tb *data.Table, opt Options) {
	s, err := FromTable(tb, opt)
	if err != nil {
		if _, ok := err.(*data.ParseError); !ok {
			t.Fatalf("error %v is a %T, want *data.ParseError", err, err)
		}
		return
	}
	if len(s.Steps) != s.Len() || (s.Times != nil && len(s.Times) != s.Len()) || s.Len() == 0 {
		t.Fatalf("%d rows, %d steps, %d times", s.Len(), len(s.Steps), len(s.Times))
	}
	for i := 1; i < len(s.Steps); i++ {
		if !(s.Steps[i] > s.Steps[i-1]) {
			t.Fatalf("steps not increasing at row %d: %v then %v", i, s.Steps[i-1], s.Steps[i])
		}
	}
	for d := range s.Columns {
		seen := false
		for i, row := range s.Values {
			if len(row) != s.Dim() {
				t.Fatalf("row %d has %d values, want %d", i, len(row), s.Dim())
			}
			if math.IsInf(row[d], 0) {
				t.Fatalf("row %d column %d is infinite", i, d)
			}
			seen = seen || !math.IsNaN(row[d])
		}
		if !seen {
			t.Fatalf("column %q is entirely missing but was accepted", s.Columns[d])
		}
	}
	for _, c := range s.Categorical {
		for i, id := range c.IDs {
			if id < -1 || id >= len(c.Levels) {
				t.Fatalf("categorical %q row %d: id %d of %d levels", c.Name, i, id, len(c.Levels))
			}
		}
	}
}
