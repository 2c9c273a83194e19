package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/internal/pngout"
)

// TestRun makes every table of docs/series.md on the shipped data, with one
// mask seed and 20 samples instead of 5 and 100 to stay well under a second,
// and checks their shape: one row per setting and method, coverage only for
// the sampling methods, and the fan chart with its command.
func TestRun(t *testing.T) {
	var buf bytes.Buffer
	out, samples, seeds = &buf, 20, 1
	fan := filepath.Join(t.TempDir(), "fan.png")
	if err := run("../../testdata", fan); err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, line := range strings.Split(buf.String(), "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| ---") || strings.HasPrefix(line, "| targets") || strings.HasPrefix(line, "| horizon") {
			continue
		}
		rows++
		sampled := strings.Contains(line, "samples") || strings.Contains(line, "sampled")
		if strings.Count(line, "|") > 6 && sampled == strings.Contains(line, "n/a") { // tables with a coverage column
			t.Errorf("row %q: want coverage exactly for the sampling methods", line)
		}
	}
	// 5 imputation settings × 5 methods, windowed 3 × 3, 2 weather horizons × 6, stocks 5.
	if want := 25 + 9 + 12 + 5; rows != want {
		t.Errorf("%d table rows, want %d:\n%s", rows, want, buf.String())
	}
	meta, err := pngout.ReadFileText(fan)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(meta["command"], "mktable") {
		t.Errorf("fan chart text %v, want the command that made it", meta)
	}
}
