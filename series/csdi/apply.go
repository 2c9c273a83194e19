package csdi

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/diffusego/diffusego/series"
	"github.com/diffusego/diffusego/tensor"
)

// checkSeries refuses a series whose numeric columns are not the model's.
func (m *Model) checkSeries(s *series.Series) error {
	if !slices.Equal(s.Columns, m.Config.Columns) {
		return fmt.Errorf("csdi: %s has the numeric columns %q, the model was trained on %q", s.File, s.Columns, m.Config.Columns)
	}
	return nil
}

// window builds the model's window of rows [lo, lo+L) of s, where rows at
// or past s.Len() are future rows with nothing observed.
func (m *Model) window(s *series.Series, lo int) series.Window {
	c := m.Config
	l := c.Window
	w := series.Window{Start: lo, Values: make([][]float64, l), Observed: make([][]bool, l), Target: make([][]bool, l)}
	var onehot [][][]float64
	if c.Covariates > 0 {
		for _, cat := range s.Categorical {
			onehot = append(onehot, cat.OneHot())
		}
	}
	if s.Times != nil {
		w.Times = append([]time.Time(nil), s.Times[lo:min(lo+l, s.Len())]...)
		if lo+l > s.Len() { // the future rows of a forecast
			future, _ := NextTimes(s, lo+l-s.Len())
			w.Times = append(w.Times, future...)
		}
	}
	for t := range l {
		w.Values[t], w.Observed[t], w.Target[t] = make([]float64, c.K()), make([]bool, c.K()), make([]bool, c.K())
		r := lo + t
		if r < s.Len() {
			z := m.Scaler.Transform(s.Values[r : r+1])[0]
			for d, v := range z {
				if !math.IsNaN(v) {
					w.Values[t][d], w.Observed[t][d] = v, true
				}
			}
		}
		if c.Covariates > 0 {
			row := make([]float64, 0, c.Covariates)
			for _, oh := range onehot {
				if r < s.Len() {
					row = append(row, oh[r]...)
				} else {
					row = append(row, make([]float64, len(oh[0]))...) // unknown in the future
				}
			}
			w.Covariates = append(w.Covariates, row)
		}
	}
	return w
}

// Impute draws n samples (n, T, K) of the whole series s in the data's
// units: observed cells keep their values, missing cells are sampled.
// Windows of L rows tile s from its first row; the last one ends at the
// last row, and rows it shares with the window before keep that window's
// samples. Window i draws from the stream seed split by i.
func (m *Model) Impute(ctx context.Context, s *series.Series, n int, seed uint64) ([][][]float64, error) {
	if err := m.checkSeries(s); err != nil {
		return nil, err
	}
	l := m.Config.Window
	if s.Len() < l {
		return nil, fmt.Errorf("csdi: %s: %d rows, shorter than one window of the model (%d rows)", s.File, s.Len(), l)
	}
	if m.Config.Unconditional {
		return nil, fmt.Errorf("csdi: an unconditional model cannot impute; train one without --unconditional")
	}
	out := make([][][]float64, n)
	for i := range out {
		out[i] = series.CloneValues(s.Values)
	}
	rng := tensor.NewRNG(seed)
	done := 0
	for i := 0; done < s.Len(); i++ {
		lo := min(done, s.Len()-l)
		w := m.window(s, lo)
		samples, err := m.Sample(ctx, w, n, rng.Split(uint64(i)))
		if err != nil {
			return nil, fmt.Errorf("csdi: %s: rows %d–%d: %w", s.File, lo, lo+l-1, err)
		}
		for k := range samples {
			x := m.Scaler.Inverse(samples[k])
			for t := done - lo; t < l; t++ {
				for d, v := range x[t] {
					if math.IsNaN(s.Values[lo+t][d]) {
						out[k][lo+t][d] = v
					}
				}
			}
		}
		done = lo + l
	}
	return out, nil
}

// Forecast draws n samples (n, h, K) of the h rows after the end of s, in
// the data's units: the model's window holds the last L−h rows of s as
// history and the h future rows as missing cells. h must leave at least one
// row of history (1 ≤ h < L) and s must have L−h rows.
func (m *Model) Forecast(ctx context.Context, s *series.Series, h, n int, seed uint64) ([][][]float64, error) {
	if err := m.checkSeries(s); err != nil {
		return nil, err
	}
	l := m.Config.Window
	if h < 1 || h >= l {
		return nil, fmt.Errorf("csdi: horizon %d: want between 1 and %d, since the model's window of %d rows must keep a row of history", h, l-1, l)
	}
	if s.Len() < l-h {
		return nil, fmt.Errorf("csdi: %s: %d rows, shorter than the %d rows of history a %d-row forecast needs in the model's window of %d", s.File, s.Len(), l-h, h, l)
	}
	if m.Config.Unconditional {
		return nil, fmt.Errorf("csdi: an unconditional model cannot forecast; train one without --unconditional")
	}
	lo := s.Len() - (l - h)
	samples, err := m.Sample(ctx, m.window(s, lo), n, tensor.NewRNG(seed))
	if err != nil {
		return nil, fmt.Errorf("csdi: %s: forecast: %w", s.File, err)
	}
	out := make([][][]float64, n)
	for k := range samples {
		out[k] = m.Scaler.Inverse(samples[k])[l-h:]
	}
	return out, nil
}

// Generate draws n synthetic windows (n, L, K) in the data's units from an
// unconditional model.
func (m *Model) Generate(ctx context.Context, n int, seed uint64) ([][][]float64, error) {
	if !m.Config.Unconditional {
		return nil, fmt.Errorf("csdi: synthetic series need an unconditional model (train with --unconditional)")
	}
	c := m.Config
	w := series.Window{Values: make([][]float64, c.Window), Observed: make([][]bool, c.Window), Target: make([][]bool, c.Window)}
	for t := range w.Values {
		w.Values[t], w.Observed[t], w.Target[t] = make([]float64, c.K()), make([]bool, c.K()), make([]bool, c.K())
		if c.Covariates > 0 {
			w.Covariates = append(w.Covariates, make([]float64, c.Covariates))
		}
	}
	samples, err := m.Sample(ctx, w, n, tensor.NewRNG(seed))
	if err != nil {
		return nil, err
	}
	for k := range samples {
		samples[k] = m.Scaler.Inverse(samples[k])
	}
	return samples, nil
}

// Quantile returns, for every cell, the q-quantile of samples (S, T, K) by
// linear interpolation between order statistics (torch.quantile's rule,
// which series.Evaluate uses).
func Quantile(samples [][][]float64, q float64) [][]float64 {
	out := make([][]float64, len(samples[0]))
	buf := make([]float64, len(samples))
	for t := range out {
		out[t] = make([]float64, len(samples[0][t]))
		for d := range out[t] {
			for k := range samples {
				buf[k] = samples[k][t][d]
			}
			slices.Sort(buf)
			pos := q * float64(len(buf)-1)
			i := int(math.Floor(pos))
			j := min(i+1, len(buf)-1)
			out[t][d] = buf[i] + (pos-float64(i))*(buf[j]-buf[i])
		}
	}
	return out
}

// NextTimes returns the h times after the last row of s: for dates, whole
// months when the last two rows are whole months apart (monthly data),
// else the last difference; for numbers, the last difference.
func NextTimes(s *series.Series, h int) (dates []time.Time, steps []float64) {
	n := len(s.Steps)
	if s.Times != nil {
		n = len(s.Times)
		last := s.Times[n-1]
		months, step := 0, 24*time.Hour
		if n >= 2 {
			prev := s.Times[n-2]
			step = last.Sub(prev)
			dm := (last.Year()-prev.Year())*12 + int(last.Month()-prev.Month())
			if dm > 0 && last.Day() == prev.Day() && prev.AddDate(0, dm, 0).Equal(last) {
				months = dm
			}
		}
		for i := 1; i <= h; i++ {
			if months > 0 {
				dates = append(dates, last.AddDate(0, months*i, 0))
			} else {
				dates = append(dates, last.Add(time.Duration(i)*step))
			}
		}
		return dates, nil
	}
	step := 1.0
	if n >= 2 {
		step = s.Steps[n-1] - s.Steps[n-2]
	}
	if n == 0 {
		return nil, nil
	}
	for i := 1; i <= h; i++ {
		steps = append(steps, s.Steps[n-1]+float64(i)*step)
	}
	return nil, steps
}
