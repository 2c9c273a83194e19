package main

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/diffusego/diffusego/checkpoint"
)

// seriesData writes a daily CSV of rows days from 2020-01-01 with two
// numeric columns (a seasonal wave and a slow trend) and a category, with
// the cells listed in gaps left empty, and returns its path.
func seriesData(t *testing.T, dir, name string, rows int, gaps map[[2]int]bool) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("date,level,trend,kind\n")
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for r := range rows {
		cell := func(d int, v float64) string {
			if gaps[[2]int{r, d}] {
				return ""
			}
			return strconv.FormatFloat(v, 'f', 3, 64)
		}
		kind := "low"
		if r%7 < 3 {
			kind = "high"
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s\n", day.AddDate(0, 0, r).Format(time.DateOnly),
			cell(0, 10+5*math.Sin(2*math.Pi*float64(r)/7)), cell(1, 20+0.1*float64(r)+float64(r%3)), kind)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readSeriesCSV reads a CSV the CLI wrote.
func readSeriesCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// A tiny run end to end on windows of 8 days: train 6 steps with
// checkpoints every 3, resume a copy of the step-3 checkpoint to step 6 and
// get the same weights, EMA and optimiser state bit for bit; impute the
// gaps of a file (observed cells unchanged, every gap filled, quantiles in
// order, the same bytes twice); forecast 3 days after its end; eval prints
// the model beside the baselines and draws a fan chart. Time budget: a few
// seconds.
func TestSeriesTrainResumeImputeForecastEval(t *testing.T) {
	dir := t.TempDir()
	data := seriesData(t, dir, "train.csv", 60, nil)
	runA, runB := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	common := []string{"series", "train", "--data", data, "--test-from", "2020-02-10", "--window", "8",
		"--max-horizon", "4", "--channels", "8", "--layers", "1", "--heads", "2", "--batch", "4", "--steps", "6",
		"--warmup", "2", "--checkpoint-every", "3", "--keep", "0", "--log-every", "3", "--interp", "--season", "2"}
	status, stdout, stderr := runCLI(append(common, "--out", runA)...)
	if status != 0 {
		t.Fatalf("train: status %d, stderr %q", status, stderr)
	}
	if !strings.Contains(stdout, "40 training rows × 2 columns (level, trend), 33 windows of 8") {
		t.Errorf("train output %q, want the rows before --test-from and the windows", stdout)
	}
	for _, f := range []string{"ckpt-000003.safetensors", "ckpt-000006.safetensors", "loss.png"} {
		if !fileExists(filepath.Join(runA, f)) {
			t.Errorf("train wrote no %s", f)
		}
	}
	if err := os.MkdirAll(runB, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(runA, "ckpt-000003.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(runB, "ckpt-000003.safetensors"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr = runCLI(append(common, "--out", runB, "--resume", runB)...)
	if status != 0 || !strings.Contains(stdout, "at step 3") {
		t.Fatalf("resume: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	fa, err := checkpoint.ReadFile(filepath.Join(runA, "ckpt-000006.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	fb, err := checkpoint.ReadFile(filepath.Join(runB, "ckpt-000006.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fa.Tensors) != len(fb.Tensors) || len(fa.Tensors) == 0 {
		t.Fatalf("%d tensors uninterrupted, %d resumed", len(fa.Tensors), len(fb.Tensors))
	}
	for name, ta := range fa.Tensors {
		tb := fb.Tensors[name]
		if tb == nil || !slices.Equal(ta.Data, tb.Data) {
			t.Fatalf("tensor %s differs between the uninterrupted and the resumed run", name)
		}
	}

	// Impute: a 20-day file with gaps; observed cells come back as they are.
	gaps := map[[2]int]bool{{2, 0}: true, {3, 0}: true, {9, 1}: true, {15, 0}: true, {15, 1}: true, {19, 1}: true}
	holes := seriesData(t, dir, "holes.csv", 20, gaps)
	filled := filepath.Join(dir, "filled.csv")
	args := []string{"series", "impute", "--model", runA, "--data", holes, "--out", filled, "--n", "8", "--steps", "5", "--seed", "3"}
	if status, stdout, stderr = runCLI(args...); status != 0 {
		t.Fatalf("impute: status %d, stderr %q", status, stderr)
	}
	if !strings.Contains(stdout, "20 rows, 6 missing cells filled from 8 samples") {
		t.Errorf("impute output %q", stdout)
	}
	got, want := readSeriesCSV(t, filled), readSeriesCSV(t, holes)
	header := []string{"date", "level", "trend", "level_q0.05", "trend_q0.05", "level_q0.25", "trend_q0.25",
		"level_q0.75", "trend_q0.75", "level_q0.95", "trend_q0.95"}
	if len(got) != 21 || !slices.Equal(got[0], header) {
		t.Fatalf("impute wrote %d rows with header %q, want 21 rows with %q", len(got), got[0], header)
	}
	for r := 1; r < len(got); r++ {
		if got[r][0] != want[r][0] {
			t.Errorf("row %d: time %q, want %q", r, got[r][0], want[r][0])
		}
		for d := 1; d <= 2; d++ {
			v, err := strconv.ParseFloat(got[r][d], 64)
			if err != nil || math.IsNaN(v) {
				t.Errorf("row %d column %d: %q is not a value", r, d, got[r][d])
				continue
			}
			if want[r][d] != "" {
				w, _ := strconv.ParseFloat(want[r][d], 64)
				if math.Abs(v-w) > 1e-9*math.Max(1, math.Abs(w)) {
					t.Errorf("row %d column %d: observed %v came back as %v", r, d, w, v)
				}
				continue
			}
			var qs []float64
			for q := range 4 {
				x, _ := strconv.ParseFloat(got[r][3+2*q+d-1], 64)
				qs = append(qs, x)
			}
			if !slices.IsSorted(qs) || v < qs[1] || v > qs[2] {
				t.Errorf("row %d column %d: median %v and quantiles %v out of order", r, d, v, qs)
			}
		}
	}
	first, _ := os.ReadFile(filled)
	if status, _, stderr = runCLI(args...); status != 0 {
		t.Fatalf("impute again: status %d, stderr %q", status, stderr)
	}
	if again, _ := os.ReadFile(filled); string(first) != string(again) {
		t.Error("the same seed imputed different values")
	}

	// Forecast: 3 days after the last row of the training file.
	next := filepath.Join(dir, "next.csv")
	status, _, stderr = runCLI("series", "forecast", "--model", runA, "--data", data, "--horizon", "3", "--out", next,
		"--n", "8", "--steps", "5", "--quantiles", "0.1,0.9")
	if status != 0 {
		t.Fatalf("forecast: status %d, stderr %q", status, stderr)
	}
	fc := readSeriesCSV(t, next)
	if len(fc) != 4 || fc[1][0] != "2020-03-01" || fc[3][0] != "2020-03-03" || len(fc[0]) != 7 {
		t.Errorf("forecast wrote %q, want 3 rows 2020-03-01 … 2020-03-03 with median and 2 quantiles per column", fc)
	}

	// Eval: imputation and forecasting on the rows from --test-from.
	fan := filepath.Join(dir, "fan.png")
	status, stdout, stderr = runCLI("series", "eval", "--model", runA, "--data", data, "--test-from", "2020-02-10",
		"--mask", "random", "--frac", "0.5", "--n", "8", "--steps", "5", "--fan", fan)
	if status != 0 {
		t.Fatalf("eval: status %d, stderr %q", status, stderr)
	}
	for _, w := range []string{"2 windows of 8 rows", "| diffusego (CSDI) | 16 |", "| linear interpolation | 16 |", "| window mean |",
		"| day-of-year mean of the whole series, ±7 days | 16 |", "| day-of-year draws of the whole series, ±7 days | 16 |"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("eval output %q lacks %q", stdout, w)
		}
	}
	if !fileExists(fan) {
		t.Error("eval wrote no fan chart")
	}
	status, stdout, stderr = runCLI("series", "eval", "--model", runA, "--data", data, "--test-from", "2020-02-10",
		"--mask", "forecast", "--horizon", "4", "--n", "4", "--steps", "3", "--ar-max", "2", "--periods", "7,1")
	if status != 0 || !strings.Contains(stdout, "forecast from 2020-02-10: 5 windows of 8 rows") {
		t.Errorf("eval forecast: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	for _, w := range []string{"| diffusego (CSDI) | 40 |", "| seasonal naive, period 7 | 40 |", "| last value (seasonal naive, period 1) | 40 |",
		"| day-of-year mean of the history | 40 |", "| AR(p), mean path; p = ", "| AR(p), sampled paths | 40 |"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("eval forecast output %q lacks %q", stdout, w)
		}
	}

	// Eval on a validation period (--test-to drops the rows after it) with
	// two spreads of the same samples: one row each, the same median (an
	// odd count of samples, so that the scored median is the middle one).
	status, stdout, stderr = runCLI("series", "eval", "--model", runA, "--data", data, "--test-from", "2020-02-10",
		"--test-to", "2020-02-20", "--mask", "random", "--frac", "0.5", "--n", "9", "--steps", "3", "--spread", "1,2")
	if status != 0 || !strings.Contains(stdout, "1 windows of 8 rows") {
		t.Fatalf("eval --test-to: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	var mae []string
	for _, line := range strings.Split(stdout, "\n") {
		if f := strings.Split(line, " | "); strings.HasPrefix(line, "| diffusego (CSDI), spread ") && len(f) > 3 {
			mae = append(mae, f[3])
		}
	}
	if len(mae) != 2 || mae[0] != mae[1] {
		t.Errorf("eval --spread 1,2: MAE of the two rows %q, want two equal ones (the spread keeps the median); output %q", mae, stdout)
	}
	if status, _, stderr = runCLI("series", "impute", "--model", runA, "--data", data, "--out", filepath.Join(dir, "x.csv"), "--spread", "1,2"); status == 0 || !strings.Contains(stderr, "--spread") {
		t.Errorf("impute --spread 1,2: status %d, stderr %q, want a refusal naming --spread", status, stderr)
	}
}

// Bad input is refused with the file, line and column or the flag, and
// nothing is written: parsing errors pass through from package series; a
// horizon as long as the model's window and a series shorter than one
// window are the CLI's own.
func TestSeriesBadInput(t *testing.T) {
	dir := t.TempDir()
	data := seriesData(t, dir, "train.csv", 30, nil)
	model := filepath.Join(dir, "model")
	status, _, stderr := runCLI("series", "train", "--data", data, "--window", "8", "--channels", "4", "--layers", "1",
		"--heads", "1", "--batch", "2", "--steps", "1", "--warmup", "0", "--out", model)
	if status != 0 {
		t.Fatalf("train: status %d, stderr %q", status, stderr)
	}
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	badDate := write("baddate.csv", "date,level,trend\n2020-01-01,1,2\n2020-01-02,1,2\n2020-13-45,1,2\n")
	order := write("order.csv", "date,level,trend\n2020-01-01,1,2\n2020-01-03,1,2\n2020-01-02,1,2\n")
	dup := write("dup.csv", "date,level,trend\n2020-01-01,1,2\n2020-01-02,1,2\n2020-01-02,1,2\n")
	empty := write("empty.csv", "date,level,trend\n2020-01-01,1,\n2020-01-02,2,\n2020-01-03,3,NA\n")
	text := write("text.csv", "date,level,trend\n2020-01-01,1,2\n2020-01-02,1,2\n2020-01-03,1,2\n2020-01-04,one,2\n")
	short := seriesData(t, dir, "short.csv", 5, nil)

	cases := []struct {
		name   string
		args   []string
		status int
		want   []string
	}{
		{"unparseable date", []string{"series", "train", "--data", badDate, "--window", "2"}, 1, []string{"baddate.csv:4", `"date"`}},
		{"times out of order", []string{"series", "train", "--data", order, "--window", "2"}, 1, []string{"order.csv:4", "line 3"}},
		{"duplicated time", []string{"series", "train", "--data", dup, "--window", "2"}, 1, []string{"dup.csv:4", "line 3"}},
		{"column entirely missing", []string{"series", "train", "--data", empty, "--window", "2"}, 1, []string{"empty.csv", `"trend"`}},
		{"text in a numeric column", []string{"series", "train", "--data", text, "--window", "2"}, 1, []string{"text.csv:5", `"level"`, `"one"`}},
		{"train: series shorter than one window", []string{"series", "train", "--data", short, "--window", "8"}, 1,
			[]string{"short.csv", "5 training rows, shorter than one window of 8"}},
		{"impute: series shorter than one window", []string{"series", "impute", "--model", model, "--data", short}, 1,
			[]string{"short.csv", "5 rows, shorter than one window of the model (8 rows)"}},
		{"forecast: horizon as long as the window", []string{"series", "forecast", "--model", model, "--data", data, "--horizon", "8"}, 2,
			[]string{"--horizon 8", "between 1 and 7", "window is 8 rows"}},
		{"forecast: history shorter than the window needs", []string{"series", "forecast", "--model", model, "--data", short, "--horizon", "2"}, 1,
			[]string{"short.csv", "5 rows, shorter than the 6 rows of history"}},
		{"eval: horizon longer than the window", []string{"series", "eval", "--model", model, "--data", data, "--test-from", "2020-01-15", "--mask", "forecast", "--horizon", "9"}, 2,
			[]string{"--horizon 9", "window is 8 rows"}},
		{"eval: test rows shorter than one window", []string{"series", "eval", "--model", model, "--data", data, "--test-from", "2020-01-25", "--mask", "random"}, 1,
			[]string{"train.csv", "6 test rows from 2020-01-25, shorter than one window of the model (8 rows)"}},
	}
	for i, c := range cases {
		out := filepath.Join(dir, fmt.Sprintf("out%d", i))
		fan := filepath.Join(dir, fmt.Sprintf("fan%d.png", i))
		args := append(c.args, "--out", out)
		if c.args[1] == "eval" {
			args = append(c.args, "--fan", fan)
		}
		status, _, stderr := runCLI(args...)
		if status != c.status {
			t.Errorf("%s: status %d, want %d (stderr %q)", c.name, status, c.status, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr %q lacks %q", c.name, stderr, w)
			}
		}
		if fileExists(out) || fileExists(fan) {
			t.Errorf("%s: something was written", c.name)
		}
	}
}
