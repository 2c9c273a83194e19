package csdi

import (
	"fmt"
	"math"
	"time"
)

// Interpolate returns the linear interpolation along the rows of the
// conditioning values of b windows laid out (B, K, L), as Net's inputs:
// cond holds m^co·x^co and mask m^co. A conditioning cell keeps its value;
// a cell between two conditioning cells of its column gets the straight
// line between them (by row index), one before the first or after the last
// the nearest value; a column with no conditioning cell in its window gets
// 0, the training mean in normalised units. This is series.LinearInterp on
// every window and column of the batch, and PriSTI's interpolated
// conditional input (Liu et al. 2023, §3.2).
func Interpolate(cond, mask []float32, b, k, l int) []float32 {
	out := make([]float32, b*k*l)
	for row := range b * k {
		off := row * l
		prev := -1
		for t := range l {
			if mask[off+t] == 0 {
				continue
			}
			v := cond[off+t]
			for u := prev + 1; u < t; u++ {
				if prev < 0 {
					out[off+u] = v
				} else {
					w := float32(u-prev) / float32(t-prev)
					out[off+u] = (1-w)*cond[off+prev] + w*v
				}
			}
			out[off+t] = v
			prev = t
		}
		if prev >= 0 {
			for u := prev + 1; u < l; u++ {
				out[off+u] = cond[off+prev]
			}
		}
	}
	return out
}

// SeasonFeatures returns the time-of-year features of the rows at times:
// (len(times), 2·harmonics), row t holding sin(2πj·f_t), cos(2πj·f_t) for
// j = 1 … harmonics, where f_t = (day of year − 1 + time of day)/(days in
// the year) is the row's place in its year. Daily rows get a smooth annual
// cycle, monthly rows the calendar month. It refuses a missing time.
func SeasonFeatures(times []time.Time, harmonics int) ([]float32, error) {
	out := make([]float32, 0, len(times)*2*harmonics)
	for i, at := range times {
		if at.IsZero() {
			return nil, fmt.Errorf("csdi: season features: row %d has no date", i)
		}
		at = at.UTC()
		days := 365.0
		if y := at.Year(); y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			days = 366
		}
		day := float64(at.Hour()*3600+at.Minute()*60+at.Second()) / 86400
		f := (float64(at.YearDay()-1) + day) / days
		for j := 1; j <= harmonics; j++ {
			a := 2 * math.Pi * float64(j) * f
			out = append(out, float32(math.Sin(a)), float32(math.Cos(a)))
		}
	}
	return out, nil
}
