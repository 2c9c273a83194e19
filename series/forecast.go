package series

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/diffusego/diffusego/tensor"
)

// Forecaster predicts the horizon rows after history: (T, D) with NaN
// where missing, to (horizon, D).
type Forecaster func(history [][]float64, horizon int) ([][]float64, error)

// SeasonalNaive returns the forecaster that repeats the last observed
// season: row T+h−1 (h = 1 … horizon) takes the value period, 2·period, …
// rows earlier, the nearest one that is observed; when none is (a history
// shorter than a period), the column's last observed value.
func SeasonalNaive(period int) Forecaster {
	return func(history [][]float64, horizon int) ([][]float64, error) {
		if period < 1 || horizon < 1 || len(history) == 0 {
			return nil, fmt.Errorf("series: seasonal naive: period %d, horizon %d, %d history rows: want each ≥ 1", period, horizon, len(history))
		}
		n, dim := len(history), len(history[0])
		for t, row := range history {
			if len(row) != dim {
				return nil, fmt.Errorf("series: seasonal naive: history row %d has %d values, want %d", t, len(row), dim)
			}
		}
		out := make([][]float64, horizon)
		for h := range out {
			out[h] = make([]float64, dim)
			for d := range dim {
				v := math.NaN()
				for t := n + h - period; t >= 0; t -= period {
					if t < n && !math.IsNaN(history[t][d]) {
						v = history[t][d]
						break
					}
				}
				if math.IsNaN(v) {
					last, ok := lastObserved(history, d)
					if !ok {
						return nil, fmt.Errorf("series: seasonal naive: column %d has no observed value in the history", d)
					}
					v = last
				}
				out[h][d] = v
			}
		}
		return out, nil
	}
}

// lastObserved returns the last non-NaN value of column d.
func lastObserved(v [][]float64, d int) (float64, bool) {
	for t := len(v) - 1; t >= 0; t-- {
		if !math.IsNaN(v[t][d]) {
			return v[t][d], true
		}
	}
	return 0, false
}

// AR is one autoregressive model per column,
//
//	x_t = c + φ₁·x_{t−1} + … + φ_p·x_{t−p} + ε_t,  ε_t ~ N(0, σ²),
//
// fitted by ordinary least squares.
type AR struct {
	P     []int       // (D) order of each column
	Coef  [][]float64 // (D) c, φ₁, …, φ_p
	Sigma []float64   // (D) residual standard deviation, √(RSS / (n − p − 1))
}

// FitAR fits an AR(p) model to each column of values: (T, D), NaN where
// missing, choosing p in [minP, maxP] by the smallest AIC = n·ln(RSS/n) +
// 2(p+1). All orders of a column are fitted on the same rows — those t ≥
// maxP whose value and maxP lags are all observed — so their AICs compare.
// FitAR(v, p, p) fits a fixed order.
func FitAR(values [][]float64, minP, maxP int) (*AR, error) {
	if minP < 1 || maxP < minP {
		return nil, fmt.Errorf("series: AR: orders [%d, %d]: want 1 ≤ min ≤ max", minP, maxP)
	}
	if len(values) == 0 {
		return nil, fmt.Errorf("series: AR: no rows")
	}
	dim := len(values[0])
	for t, row := range values {
		if len(row) != dim {
			return nil, fmt.Errorf("series: AR: row %d has %d values, want %d", t, len(row), dim)
		}
	}
	m := &AR{P: make([]int, dim), Coef: make([][]float64, dim), Sigma: make([]float64, dim)}
	for d := range dim {
		var rows []int
		for t := maxP; t < len(values); t++ {
			ok := true
			for k := 0; k <= maxP && ok; k++ {
				ok = !math.IsNaN(values[t-k][d])
			}
			if ok {
				rows = append(rows, t)
			}
		}
		n := len(rows)
		if n < 2*(maxP+1) {
			return nil, fmt.Errorf("series: AR: column %d: %d complete rows for order up to %d, want at least %d", d, n, maxP, 2*(maxP+1))
		}
		best := math.Inf(1)
		for p := minP; p <= maxP; p++ {
			x := mat.NewDense(n, p+1, nil)
			y := mat.NewVecDense(n, nil)
			for i, t := range rows {
				x.Set(i, 0, 1)
				for k := 1; k <= p; k++ {
					x.Set(i, k, values[t-k][d])
				}
				y.SetVec(i, values[t][d])
			}
			var beta mat.VecDense
			if err := beta.SolveVec(x, y); err != nil {
				return nil, fmt.Errorf("series: AR(%d): column %d: least squares: %w", p, d, err)
			}
			var res mat.VecDense
			res.MulVec(x, &beta)
			res.SubVec(y, &res)
			rss := mat.Dot(&res, &res)
			aic := float64(n)*math.Log(rss/float64(n)) + 2*float64(p+1)
			if aic < best || p == minP {
				best = aic
				m.P[d] = p
				m.Coef[d] = append([]float64(nil), beta.RawVector().Data...)
				m.Sigma[d] = math.Sqrt(rss / float64(n-p-1))
			}
		}
	}
	return m, nil
}

// Forecast iterates the fitted recursions horizon steps past history (the
// noise-free mean path). Missing lags are filled with the column's last
// observed value before them.
func (m *AR) Forecast(history [][]float64, horizon int) ([][]float64, error) {
	paths, err := m.paths(history, horizon, 1, nil)
	if err != nil {
		return nil, err
	}
	return paths[0], nil
}

// Sample draws n paths of horizon steps past history, adding N(0, σ²) noise
// at every step and feeding it back: (n, horizon, D).
func (m *AR) Sample(history [][]float64, horizon, n int, rng *tensor.RNG) ([][][]float64, error) {
	if rng == nil {
		return nil, fmt.Errorf("series: AR sample: no random source")
	}
	return m.paths(history, horizon, n, rng)
}

// paths runs the recursion n times; rng nil means no noise.
func (m *AR) paths(history [][]float64, horizon, n int, rng *tensor.RNG) ([][][]float64, error) {
	if horizon < 1 || n < 1 {
		return nil, fmt.Errorf("series: AR: horizon %d, %d paths: want both ≥ 1", horizon, n)
	}
	dim := len(m.P)
	if len(m.Coef) != dim || len(m.Sigma) != dim {
		return nil, fmt.Errorf("series: AR: %d orders, %d coefficient sets, %d sigmas: want one of each per column", dim, len(m.Coef), len(m.Sigma))
	}
	for d, p := range m.P {
		if p < 1 || len(m.Coef[d]) != p+1 {
			return nil, fmt.Errorf("series: AR: column %d: order %d with %d coefficients, want order ≥ 1 and order+1 coefficients", d, p, len(m.Coef[d]))
		}
	}
	if len(history) == 0 {
		return nil, fmt.Errorf("series: AR: empty history")
	}
	for t, row := range history {
		if len(row) != dim {
			return nil, fmt.Errorf("series: AR: history row %d has %d values, want %d", t, len(row), dim)
		}
	}
	// start[d]: the last maxP values of column d, missing ones filled
	// forward (and backward at the start).
	start := make([][]float64, dim)
	for d := range dim {
		p := m.P[d]
		if len(history) < p {
			return nil, fmt.Errorf("series: AR(%d): column %d: %d history rows, want at least %d", p, d, len(history), p)
		}
		lags := make([]float64, p)
		last, ok := math.NaN(), false
		for t := 0; t < len(history); t++ {
			if !math.IsNaN(history[t][d]) {
				last, ok = history[t][d], true
			}
			if k := t - (len(history) - p); k >= 0 {
				lags[k] = last
			}
		}
		if !ok {
			return nil, fmt.Errorf("series: AR: column %d has no observed value in the history", d)
		}
		for k := range lags { // backward fill before the first observed
			if math.IsNaN(lags[k]) {
				for j := k + 1; j < p; j++ {
					if !math.IsNaN(lags[j]) {
						lags[k] = lags[j]
						break
					}
				}
			}
		}
		start[d] = lags
	}
	out := make([][][]float64, n)
	for s := range out {
		out[s] = make([][]float64, horizon)
		for h := range out[s] {
			out[s][h] = make([]float64, dim)
		}
		for d := range dim {
			p, c := m.P[d], m.Coef[d]
			buf := append(append([]float64(nil), start[d]...), make([]float64, horizon)...)
			for h := range horizon {
				v := c[0]
				for k := 1; k <= p; k++ {
					v += c[k] * buf[p+h-k]
				}
				if rng != nil {
					v += m.Sigma[d] * rng.Normal()
				}
				buf[p+h] = v
				out[s][h][d] = v
			}
		}
	}
	return out, nil
}
