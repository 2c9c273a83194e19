package series

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/diffusego/diffusego/data"
)

func parseCSV(t *testing.T, in string, opt Options) (*Series, error) {
	t.Helper()
	tb, err := data.ParseCSV(strings.NewReader(in), "t.csv")
	if err != nil {
		return nil, err
	}
	return FromTable(tb, opt)
}

func TestReadWide(t *testing.T) {
	in := "date,x,y,kind\n2012-01-01,1.5,NA,a\n2012-01-02,,2,b\n2012-01-04,3,null,a\n2012-01-05,NaN,4,\n"
	s, err := parseCSV(t, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Columns, []string{"x", "y"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Columns = %q, want %q", got, want)
	}
	nan := math.NaN()
	want := [][]float64{{1.5, nan}, {nan, 2}, {3, nan}, {nan, 4}}
	for i := range want {
		for d := range want[i] {
			g, w := s.Values[i][d], want[i][d]
			if g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
				t.Errorf("Values[%d][%d] = %v, want %v", i, d, g, w)
			}
		}
	}
	if got, want := s.Steps[2]-s.Steps[0], 3.0; got != want {
		t.Errorf("Steps[2]-Steps[0] = %v days, want %v", got, want)
	}
	if !s.Times[1].Equal(time.Date(2012, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Times[1] = %v", s.Times[1])
	}
	if len(s.Categorical) != 1 || !reflect.DeepEqual(s.Categorical[0].Levels, []string{"a", "b"}) ||
		!reflect.DeepEqual(s.Categorical[0].IDs, []int{0, 1, 0, -1}) {
		t.Errorf("Categorical = %+v, want kind with levels a, b and ids 0 1 0 -1", s.Categorical)
	}
	if got, want := s.Categorical[0].OneHot(), [][]float64{{1, 0}, {0, 1}, {1, 0}, {0, 0}}; !reflect.DeepEqual(got, want) {
		t.Errorf("OneHot = %v, want %v", got, want)
	}
	if got, want := s.Lines, []int{2, 3, 4, 5}; !reflect.DeepEqual(got, want) {
		t.Errorf("Lines = %v, want %v", got, want)
	}
}

func TestReadTimeLayouts(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"2012-01-01", "2012-01-02"},
		{"2012-01-01T00:00:00Z", "2012-01-02T01:00:00+01:00"},
		{"2012-01-01 00:00:00", "2012-01-02 00:00:00"},
		{"2012/01/01", "2012/01/02"},
		{"Jan 1 2012", "Jan 2 2012"},
		{`"January 1, 2012"`, `"January 2, 2012"`},
		{"1 Jan 2012", "2 Jan 2012"},
	} {
		s, err := parseCSV(t, "date,v\n"+tc.a+",1\n"+tc.b+",2\n", Options{})
		if err != nil {
			t.Errorf("%s: %v", tc.a, err)
			continue
		}
		if got := s.Steps[1] - s.Steps[0]; got != 1 {
			t.Errorf("%s, %s: %v days apart, want 1", tc.a, tc.b, got)
		}
	}
	s, err := parseCSV(t, "t,v\n0.5,1\n2,2\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Times != nil || !reflect.DeepEqual(s.Steps, []float64{0.5, 2}) {
		t.Errorf("numeric time: Times %v, Steps %v; want nil and [0.5 2]", s.Times, s.Steps)
	}
}

func TestReadLong(t *testing.T) {
	in := "symbol,date,price\nA,Jan 1 2000,1\nA,Feb 1 2000,2\nA,Mar 1 2000,3\nB,Feb 1 2000,20\nB,Apr 1 2000,40\n"
	s, err := parseCSV(t, in, Options{ID: "symbol"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Columns, []string{"A", "B"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Columns = %q, want %q", got, want)
	}
	nan := math.NaN()
	want := [][]float64{{1, nan}, {2, 20}, {3, nan}, {nan, 40}}
	if len(s.Values) != len(want) {
		t.Fatalf("%d rows, want %d", len(s.Values), len(want))
	}
	for i := range want {
		for d := range want[i] {
			g, w := s.Values[i][d], want[i][d]
			if g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
				t.Errorf("Values[%d][%d] = %v, want %v", i, d, g, w)
			}
		}
	}
	if s.Times[3].Month() != time.April {
		t.Errorf("Times[3] = %v, want April 2000", s.Times[3])
	}
}

func TestReadJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.json")
	in := `[{"day": 1, "a": 1.5, "c": "x"},
 {"day": 2, "a": null, "c": "y"},
 {"day": 3, "a": 4, "c": null}]`
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Read(path, Options{Time: "day"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Dim() != 1 || s.Len() != 3 || !math.IsNaN(s.Values[1][0]) || s.Values[2][0] != 4 {
		t.Errorf("values = %v, want [[1.5] [NaN] [4]]", s.Values)
	}
	if len(s.Categorical) != 1 || !reflect.DeepEqual(s.Categorical[0].IDs, []int{0, 1, -1}) {
		t.Errorf("categorical = %+v", s.Categorical)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		opt      Options
		want     []string // substrings of the error
	}{
		{"empty file", "", Options{}, []string{"t.csv:1", "header"}},
		{"header only", "date,x\n", Options{}, []string{"t.csv:2", "at least one data row"}},
		{"bad date", "date,x\n2012-01-01,1\n2012-13-01,2\n", Options{}, []string{"t.csv:3", `"date"`, "2012-13-01"}},
		{"unknown date", "date,x\n01/02/2012,1\n", Options{}, []string{"t.csv:2", `"date"`, "a date"}},
		{"out of order", "date,x\n2012-01-01,1\n2012-01-03,2\n2012-01-02,3\n", Options{}, []string{"t.csv:4", `"date"`, "increasing", "line 3"}},
		{"duplicate", "date,x\n2012-01-01,1\n2012-01-02,2\n2012-01-02,3\n", Options{}, []string{"t.csv:4", `"date"`, "one row per time", "first on line 3"}},
		{"missing time", "date,x\n2012-01-01,1\n,2\n", Options{}, []string{"t.csv:3", `"date"`, "missing"}},
		{"all missing", "date,x,y\n2012-01-01,1,\n2012-01-02,2,NA\n", Options{}, []string{`"y"`, "every cell missing"}},
		{"non-numeric", "date,x\n2012-01-01,1\n2012-01-02,2\n2012-01-03,abc\n", Options{}, []string{"t.csv:4", `"x"`, "reads as numeric: 2 of 3", `"abc"`}},
		{"declared numeric", "date,x\n2012-01-01,a\n2012-01-02,2\n", Options{Numeric: []string{"x"}}, []string{"t.csv:2", `"x"`, "declared numeric"}},
		{"unknown column", "date,x\n2012-01-01,1\n", Options{Time: "when"}, []string{`"when"`, "no such column"}},
		{"long duplicate", "s,date,p\nA,2000-01-01,1\nA,2000-01-01,2\n", Options{ID: "s"}, []string{"t.csv:3", "one row per time"}},
		{"long out of order", "s,date,p\nA,2000-02-01,1\nB,2000-01-01,1\nA,2000-01-01,2\n", Options{ID: "s"}, []string{"t.csv:4", "increasing", "line 2"}},
		{"long bad value", "s,date,p\nA,2000-01-01,1\nA,2000-02-01,2\nA,2000-03-01,x\n", Options{ID: "s"}, []string{"t.csv:4", `"p (s A)"`, `"x"`}},
		{"long all missing", "s,date,p\nA,2000-01-01,1\nB,2000-01-01,\n", Options{ID: "s"}, []string{"t.csv:3", `"p (s B)"`, "every cell missing"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseCSV(t, tc.in, tc.opt)
			var pe *data.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want a *data.ParseError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestReadShipped reads the two real files in testdata.
func TestReadShipped(t *testing.T) {
	w, err := Read("testdata/seattle-weather.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w.Len() != 1461 || !reflect.DeepEqual(w.Columns, []string{"precipitation", "temp_max", "temp_min", "wind"}) {
		t.Errorf("weather: %d rows, columns %q; want 1461 and the four measurements", w.Len(), w.Columns)
	}
	if len(w.Categorical) != 1 || len(w.Categorical[0].Levels) != 5 {
		t.Errorf("weather: categorical %v, want weather with 5 levels", w.Categorical)
	}
	st, err := Read("testdata/stocks.csv", Options{ID: "symbol"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Len() != 123 || !reflect.DeepEqual(st.Columns, []string{"MSFT", "AMZN", "IBM", "GOOG", "AAPL"}) {
		t.Errorf("stocks: %d rows, columns %q; want 123 months and five tickers", st.Len(), st.Columns)
	}
	goog := 3
	missing := 0
	for _, row := range st.Values {
		if math.IsNaN(row[goog]) {
			missing++
		}
	}
	if missing != 123-68 {
		t.Errorf("GOOG has %d missing months, want %d (it starts in August 2004)", missing, 123-68)
	}
}
