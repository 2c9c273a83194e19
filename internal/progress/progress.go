// Package progress prints one line of progress for long work: step,
// epoch, loss and its moving average, learning rate, throughput and the
// estimated time left. Lines are plain text, one per report, so that logs
// stay readable when the output is a file or a CI console rather than a
// terminal.
package progress

import (
	"fmt"
	"io"
	"math"
	"time"
)

// Meter reports the progress of a loop of Total steps over Items items per
// step (images, rows). Its zero value is not usable; call New.
type Meter struct {
	Total int    // number of steps in the whole run
	Items int    // items processed per step, for the throughput
	Unit  string // what an item is, e.g. "img" or "rows"

	w         io.Writer
	now       func() time.Time
	start     time.Time
	firstStep int
	emaLoss   float64
	seen      int
}

// New returns a Meter writing to w for a run whose first step is first
// (non-zero when resuming) out of total.
func New(w io.Writer, first, total, items int, unit string) *Meter {
	m := &Meter{Total: total, Items: items, Unit: unit, w: w, now: time.Now, firstStep: first}
	m.start = m.now()
	return m
}

// Observe folds the loss of one step into the moving average (decay 0.98,
// bias-corrected) and returns that average.
func (m *Meter) Observe(loss float64) float64 {
	m.seen++
	const decay = 0.98
	m.emaLoss = decay*m.emaLoss + (1-decay)*loss
	return m.emaLoss / (1 - math.Pow(decay, float64(m.seen)))
}

// Line formats the report after step (1-based count of steps done).
func (m *Meter) Line(step, epoch int, loss, avgLoss, lr float64) string {
	elapsed := m.now().Sub(m.start).Seconds()
	done := step - m.firstStep
	rate, eta := 0.0, "?"
	if elapsed > 0 && done > 0 {
		rate = float64(done*m.Items) / elapsed
		left := time.Duration(float64(m.Total-step) * elapsed / float64(done) * float64(time.Second))
		eta = left.Round(time.Second).String()
	}
	return fmt.Sprintf("step %d/%d epoch %d loss %.4f avg %.4f lr %.3g %.1f %s/s ETA %s",
		step, m.Total, epoch, loss, avgLoss, lr, rate, m.Unit, eta)
}

// Report writes Line to the Meter's writer.
func (m *Meter) Report(step, epoch int, loss, avgLoss, lr float64) {
	fmt.Fprintln(m.w, m.Line(step, epoch, loss, avgLoss, lr))
}
