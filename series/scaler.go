package series

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/checkpoint"
)

// Scaler standardises each column: z = (x − Mean[d]) / Std[d]. It is fitted
// on the training rows only, so that nothing about the test period leaks into
// the model, and saved beside the model as JSON.
type Scaler struct {
	Columns []string  `json:"columns"`
	Mean    []float64 `json:"mean"`
	Std     []float64 `json:"std"` // population standard deviation; 1 for a constant column
}

// FitScaler computes each column's mean and standard deviation over the
// observed (non-NaN) cells of values: (T, D), the training rows only. A
// column with no observed cell is an error; a constant column gets Std 1.
func FitScaler(columns []string, values [][]float64) (*Scaler, error) {
	s := &Scaler{Columns: append([]string(nil), columns...), Mean: make([]float64, len(columns)), Std: make([]float64, len(columns))}
	for d := range columns {
		n, sum := 0, 0.0
		for _, row := range values {
			if !math.IsNaN(row[d]) {
				n++
				sum += row[d]
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("series: scaler: column %q has no observed value in the training rows", columns[d])
		}
		mean := sum / float64(n)
		ss := 0.0
		for _, row := range values {
			if !math.IsNaN(row[d]) {
				ss += (row[d] - mean) * (row[d] - mean)
			}
		}
		s.Mean[d], s.Std[d] = mean, math.Sqrt(ss/float64(n))
		if s.Std[d] == 0 {
			s.Std[d] = 1
		}
	}
	return s, nil
}

// Transform returns (values − Mean) / Std; NaN stays NaN.
func (s *Scaler) Transform(values [][]float64) [][]float64 {
	out := CloneValues(values)
	for _, row := range out {
		for d := range row {
			row[d] = (row[d] - s.Mean[d]) / s.Std[d]
		}
	}
	return out
}

// Inverse returns z·Std + Mean, undoing Transform.
func (s *Scaler) Inverse(z [][]float64) [][]float64 {
	out := CloneValues(z)
	for _, row := range out {
		for d := range row {
			row[d] = row[d]*s.Std[d] + s.Mean[d]
		}
	}
	return out
}

// Save writes the scaler as JSON to path, atomically.
func (s *Scaler) Save(path string) error { return checkpoint.WriteJSON(path, s) }

// LoadScaler reads a scaler saved by Save and checks it: one mean and one
// positive finite std per column.
func LoadScaler(path string) (*Scaler, error) {
	var s Scaler
	if err := checkpoint.ReadJSON(path, &s); err != nil {
		return nil, err
	}
	if len(s.Mean) != len(s.Columns) || len(s.Std) != len(s.Columns) {
		return nil, fmt.Errorf("series: scaler %s: %d columns, %d means, %d stds: want one of each per column", path, len(s.Columns), len(s.Mean), len(s.Std))
	}
	for d, c := range s.Columns {
		if math.IsNaN(s.Mean[d]) || math.IsInf(s.Mean[d], 0) || !(s.Std[d] > 0) || math.IsInf(s.Std[d], 0) {
			return nil, fmt.Errorf("series: scaler %s: column %q: want a finite mean and a positive finite std, got %v and %v", path, c, s.Mean[d], s.Std[d])
		}
	}
	return &s, nil
}
