package perception

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"reflect"
	"strconv"
	"testing"
)

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("reading back the CSV: %v\n%s", err, b)
	}
	return rows
}

func TestWriteReportCSV(t *testing.T) {
	trials := join(repeat(7, answer("a", true, true)), repeat(3, answer("a", true, false)),
		repeat(2, answer("b", false, true)), repeat(8, answer("b", false, false)), repeat(4, answer("b", true, false)),
		repeat(3, answer("c", false, false)), repeat(3, answer("c", true, false)))
	slow := answer("fast, \"quoted\" rater", true, true)
	slow.Millis = 5
	rep, err := Summarize(append(trials, slow), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteReportCSV(&buf, rep); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	if want := []string{"statistic", "value", "lo", "hi", "count", "n", "level", "resamples"}; !reflect.DeepEqual(rows[0], want) {
		t.Fatalf("header %q, want %q", rows[0], want)
	}
	for i, e := range []Estimate{rep.ErrorRate, rep.FoolRate, rep.RealErrorRate} {
		r := rows[1+i]
		for j, want := range []float64{e.Value, e.Lo, e.Hi} {
			if got, err := strconv.ParseFloat(r[1+j], 64); err != nil || got != want {
				t.Errorf("row %q column %d: %q, want %v", r[0], 1+j, r[1+j], want)
			}
		}
		if r[4] != strconv.Itoa(e.Count) || r[5] != strconv.Itoa(e.N) || r[6] != "0.95" || r[7] != "2000" {
			t.Errorf("row %q", r)
		}
	}
	counts := map[string]string{}
	for _, r := range rows[4:] {
		counts[r[0]] = r[1]
	}
	want := map[string]string{"raters": "3", "trials": "30", "real": "13", "generated": "17", "dropped": "1"}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("counts %v, want %v", counts, want)
	}

	buf.Reset()
	if err := WriteDroppedCSV(&buf, rep.Dropped); err != nil {
		t.Fatal(err)
	}
	rows = readCSV(t, buf.Bytes())
	if len(rows) != 2 || rows[1][0] != slow.Rater || rows[1][3] != "true" || rows[1][7] != "5" {
		t.Errorf("dropped rows %q, want the fast rater, too_fast, median 5", rows)
	}
}

func TestWriteStrengthsCSV(t *testing.T) {
	var pairs []Pair
	for i := range 30 {
		pairs = append(pairs, Pair{Rater: fmt.Sprint("r", i%3), A: "x", B: "y, z", PreferA: i%3 == 0})
	}
	s, err := BradleyTerry(pairs, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteStrengthsCSV(&buf, s); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	if len(rows) != 3 || rows[1][0] != "1" || rows[1][1] != "y, z" || rows[2][1] != "x" {
		t.Fatalf("rows %q, want a header then y, z ranked above x", rows)
	}
	for i, it := range s.Items {
		r := rows[1+i]
		for j, want := range []float64{it.Score, it.Lo, it.Hi} {
			if got, err := strconv.ParseFloat(r[2+j], 64); err != nil || got != want {
				t.Errorf("%s column %d: %q, want %v", it.Item, 2+j, r[2+j], want)
			}
		}
		if r[5] != strconv.Itoa(it.Wins) || r[6] != strconv.Itoa(it.Comparisons) || r[9] != "3" || r[10] != "30" {
			t.Errorf("row %q", r)
		}
	}
}
