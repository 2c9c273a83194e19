package cputime

import (
	"os"
	"strconv"
	"testing"
)

// TestProcessCounts burns CPU and checks that Process moves forward by
// some of it (on systems where it is available).
func TestProcessCounts(t *testing.T) {
	if !Available {
		if Process() != 0 {
			t.Fatal("Process is not 0 where it is not available")
		}
		t.Skip("this system does not report the process's CPU time")
	}
	before := Process()
	x := 0.0
	for i := range 50_000_000 {
		x += float64(i & 7)
	}
	if x == 0 {
		t.Fatal("unreachable: keeps the loop")
	}
	if d := Process() - before; d <= 0 {
		t.Errorf("Process moved by %v over a busy loop, want more than 0", d)
	}
}

// LoadAverage gives a number where /proc/loadavg exists, "?" elsewhere.
func TestLoadAverage(t *testing.T) {
	got := LoadAverage()
	if _, err := os.Stat("/proc/loadavg"); err != nil {
		if got != "?" {
			t.Fatalf("no /proc/loadavg, got %q", got)
		}
		return
	}
	if _, err := strconv.ParseFloat(got, 64); err != nil {
		t.Fatalf("LoadAverage() = %q: not a number", got)
	}
}
