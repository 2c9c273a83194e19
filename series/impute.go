package series

import (
	"fmt"
	"time"
)

// Imputer fills a (T, D) table: given values, the observed mask and the
// target mask, it returns a full (T, D) table in which every cell has a
// number. It reads only the conditioning cells (observed and not target)
// and returns them unchanged.
type Imputer func(values [][]float64, observed, target [][]bool) ([][]float64, error)

// ColumnMean fills every other cell with the mean of its column's
// conditioning cells.
func ColumnMean(values [][]float64, observed, target [][]bool) ([][]float64, error) {
	if err := checkShapes("column mean", values, observed, target); err != nil {
		return nil, err
	}
	cond := Conditioning(observed, target)
	out := CloneValues(values)
	for d := range width(cond) {
		n, sum := 0, 0.0
		for t := range values {
			if cond[t][d] {
				n++
				sum += values[t][d]
			}
		}
		if n == 0 {
			return nil, noCondition("column mean", d)
		}
		for t := range out {
			if !cond[t][d] {
				out[t][d] = sum / float64(n)
			}
		}
	}
	return out, nil
}

// LOCF carries the last conditioning value of each column forward; cells
// before a column's first conditioning value take that first value
// (backward fill).
func LOCF(values [][]float64, observed, target [][]bool) ([][]float64, error) {
	if err := checkShapes("LOCF", values, observed, target); err != nil {
		return nil, err
	}
	cond := Conditioning(observed, target)
	out := CloneValues(values)
	for d := range width(cond) {
		first := -1
		for t := range values {
			if cond[t][d] {
				first = t
				break
			}
		}
		if first < 0 {
			return nil, noCondition("LOCF", d)
		}
		last := values[first][d]
		for t := range out {
			if cond[t][d] {
				last = values[t][d]
			} else {
				out[t][d] = last
			}
		}
	}
	return out, nil
}

// LinearInterp fills each column's gaps by straight lines between the
// conditioning values on either side, by row index (the rows are taken as
// equally spaced), and holds the first and last values constant outside
// them.
func LinearInterp(values [][]float64, observed, target [][]bool) ([][]float64, error) {
	if err := checkShapes("linear interpolation", values, observed, target); err != nil {
		return nil, err
	}
	cond := Conditioning(observed, target)
	out := CloneValues(values)
	for d := range width(cond) {
		prev := -1
		for t := range values {
			if !cond[t][d] {
				continue
			}
			for u := prev + 1; u < t; u++ {
				if prev < 0 {
					out[u][d] = values[t][d]
				} else {
					w := float64(u-prev) / float64(t-prev)
					out[u][d] = (1-w)*values[prev][d] + w*values[t][d]
				}
			}
			prev = t
		}
		if prev < 0 {
			return nil, noCondition("linear interpolation", d)
		}
		for u := prev + 1; u < len(out); u++ {
			out[u][d] = values[prev][d]
		}
	}
	return out, nil
}

// SeasonalMean returns an imputer that fills a cell with the mean of its
// column's conditioning cells whose phase is within halfWidth of the cell's
// phase, circularly modulo period: with phases DayOfYear(times), period 365
// and halfWidth 7 this is a day-of-year climatology smoothed over a 15-day
// window; with MonthOfYear, period 12 and halfWidth 0 a calendar-month mean.
// A phase with no conditioning cell in its window takes the column mean.
func SeasonalMean(phase []int, period, halfWidth int) Imputer {
	return func(values [][]float64, observed, target [][]bool) ([][]float64, error) {
		if len(phase) != len(values) {
			return nil, fmt.Errorf("series: seasonal mean: %d phases for %d rows", len(phase), len(values))
		}
		if period < 1 || halfWidth < 0 {
			return nil, fmt.Errorf("series: seasonal mean: period %d, half-width %d: want period ≥ 1, half-width ≥ 0", period, halfWidth)
		}
		if err := checkShapes("seasonal mean", values, observed, target); err != nil {
			return nil, err
		}
		cond := Conditioning(observed, target)
		out := CloneValues(values)
		for d := range width(cond) {
			sum, cnt := make([]float64, period), make([]int, period)
			all, n := 0.0, 0
			for t := range values {
				if cond[t][d] {
					p := ((phase[t] % period) + period) % period
					sum[p] += values[t][d]
					cnt[p]++
					all += values[t][d]
					n++
				}
			}
			if n == 0 {
				return nil, noCondition("seasonal mean", d)
			}
			clim := make([]float64, period)
			for p := range clim {
				s, c := 0.0, 0
				for k := -halfWidth; k <= halfWidth; k++ {
					q := ((p+k)%period + period) % period
					s += sum[q]
					c += cnt[q]
				}
				if c == 0 {
					clim[p] = all / float64(n)
				} else {
					clim[p] = s / float64(c)
				}
			}
			for t := range out {
				if !cond[t][d] {
					out[t][d] = clim[((phase[t]%period)+period)%period]
				}
			}
		}
		return out, nil
	}
}

// DayOfYear returns each date's day of the year from 0 (1 January) to 364
// (31 December); 29 February shares 28 February's day, so that every year
// has 365 phases.
func DayOfYear(times []time.Time) []int {
	out := make([]int, len(times))
	for i, x := range times {
		d := x.YearDay() - 1
		leap := time.Date(x.Year(), 12, 31, 0, 0, 0, 0, time.UTC).YearDay() == 366
		if leap && d >= 59 {
			d--
		}
		out[i] = d
	}
	return out
}

// MonthOfYear returns each date's month from 0 (January) to 11.
func MonthOfYear(times []time.Time) []int {
	out := make([]int, len(times))
	for i, x := range times {
		out[i] = int(x.Month()) - 1
	}
	return out
}

// checkShapes checks that values, observed and target are (T, D) tables of
// one shape.
func checkShapes(method string, values [][]float64, observed, target [][]bool) error {
	if len(observed) != len(values) || len(target) != len(values) {
		return fmt.Errorf("series: %s: %d rows of values, %d of observed, %d of target: want the same", method, len(values), len(observed), len(target))
	}
	for t := range values {
		if len(values[t]) != len(values[0]) || len(observed[t]) != len(values[0]) || len(target[t]) != len(values[0]) {
			return fmt.Errorf("series: %s: row %d: %d values, %d observed, %d target flags: want %d each", method, t, len(values[t]), len(observed[t]), len(target[t]), len(values[0]))
		}
	}
	return nil
}

// noCondition is the error of an imputer whose column has nothing to read.
func noCondition(method string, d int) error {
	return fmt.Errorf("series: %s: column %d has no conditioning cell (every cell missing or a target)", method, d)
}
