package progress

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

func TestLineShowsRateAndETA(t *testing.T) {
	var buf bytes.Buffer
	m := New(&buf, 10, 110, 32, "img")
	clock := m.start
	m.now = func() time.Time { return clock }
	clock = clock.Add(8 * time.Second) // 40 steps of 32 images in 8 s
	m.Report(50, 2, 0.25, 0.3, 2e-4)
	want := "step 50/110 epoch 2 loss 0.2500 avg 0.3000 lr 0.0002 160.0 img/s ETA 12s\n"
	if got := buf.String(); got != want {
		t.Errorf("Report wrote %q, want %q", got, want)
	}
}

func TestLineBeforeAnyStep(t *testing.T) {
	m := New(nil, 0, 10, 1, "rows")
	if got := m.Line(0, 0, 1, 1, 1); !strings.Contains(got, "ETA ?") {
		t.Errorf("Line before any step = %q, want an unknown ETA", got)
	}
}

func TestObserveIsBiasCorrected(t *testing.T) {
	m := New(nil, 0, 10, 1, "img")
	if got := m.Observe(2); math.Abs(got-2) > 1e-12 {
		t.Errorf("first Observe(2) = %g, want 2", got)
	}
	for range 500 {
		m.Observe(1)
	}
	if got := m.Observe(1); math.Abs(got-1) > 1e-4 {
		t.Errorf("after many Observe(1) average = %g, want ≈ 1", got)
	}
}
