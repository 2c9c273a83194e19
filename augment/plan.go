package augment

import (
	"fmt"
	"math"
	"strconv"
)

// Request says how many synthetic examples of each class to make. Exactly
// one of PerClass and Ratio is used: PerClass > 0 asks for that many of
// every class; otherwise Ratio, the synthetic share r ∈ [0, 1) of the
// augmented set, asks for round(n_c·r/(1−r)) of a class with n_c real
// examples. With Minority, only classes with fewer real examples than the
// largest class get any, and none more than it takes to reach the largest
// class's count (PerClass then caps the count; Ratio 0 and PerClass 0 fill
// every minority class up to the majority).
type Request struct {
	PerClass int
	Ratio    float64
	Minority bool
}

// RatioError is a mixing ratio outside [0, 1].
type RatioError struct{ Ratio float64 }

func (e *RatioError) Error() string {
	return fmt.Sprintf("augment: mixing ratio %g: want the synthetic share of the augmented set, in [0, 1]", e.Ratio)
}

// CheckRatio returns a *RatioError unless 0 ≤ r ≤ 1.
func CheckRatio(r float64) error {
	if math.IsNaN(r) || r < 0 || r > 1 {
		return &RatioError{Ratio: r}
	}
	return nil
}

// SyntheticFor is how many synthetic examples make the synthetic share of
// n real plus them equal r: round(n·r/(1−r)). r must be in [0, 1).
func SyntheticFor(n int, r float64) int {
	return int(math.Round(float64(n) * r / (1 - r)))
}

// Counts returns the number of synthetic examples of each class, given the
// real count of each class.
func (q Request) Counts(real []int) ([]int, error) {
	if err := CheckRatio(q.Ratio); err != nil {
		return nil, err
	}
	if q.PerClass < 0 {
		return nil, fmt.Errorf("augment: per class: want ≥ 0, got %d", q.PerClass)
	}
	if q.PerClass > 0 && q.Ratio > 0 {
		return nil, fmt.Errorf("augment: ask for a count per class or a mixing ratio, not both")
	}
	if q.Ratio == 1 {
		return nil, fmt.Errorf("augment: mixing ratio 1 means synthetic data only, which no finite count per class gives beside real data: ask for a count per class")
	}
	if len(real) == 0 {
		return nil, fmt.Errorf("augment: no classes")
	}
	most := 0
	for _, n := range real {
		most = max(most, n)
	}
	out := make([]int, len(real))
	for c, n := range real {
		want := q.PerClass
		if q.PerClass == 0 {
			want = SyntheticFor(n, q.Ratio)
		}
		if q.Minority {
			gap := most - n
			if q.PerClass == 0 && q.Ratio == 0 {
				want = gap
			}
			want = min(want, gap)
		}
		out[c] = want
	}
	return out, nil
}

// ClassError is a data set whose classes the model cannot make: more
// classes than it was trained on, or fewer than two.
type ClassError struct {
	Source      string
	DataClasses int
	ModelKnows  int // classes of the model; −1 when the problem is the data alone
}

func (e *ClassError) Error() string {
	if e.ModelKnows < 0 {
		return fmt.Sprintf("augment: %s: %d class: want at least two classes to augment and to classify", e.Source, e.DataClasses)
	}
	if e.ModelKnows == 0 {
		return fmt.Sprintf("augment: %s has %d classes but the model is unconditional: want a class-conditional model", e.Source, e.DataClasses)
	}
	return fmt.Sprintf("augment: %s has %d classes but the model knows %d (classes 0..%d): train a model on this data (diffuse train --data) or drop classes", e.Source, e.DataClasses, e.ModelKnows, e.ModelKnows-1)
}

// CheckClasses refuses data with fewer than two classes or more classes
// than a model with known classes can draw.
func CheckClasses(source string, dataClasses, known int) error {
	if dataClasses < 2 {
		return &ClassError{Source: source, DataClasses: dataClasses, ModelKnows: -1}
	}
	if dataClasses > known {
		return &ClassError{Source: source, DataClasses: dataClasses, ModelKnows: known}
	}
	return nil
}

// ModelClasses maps data classes to a model's classes: class folders named
// by whole numbers 0..known−1 (as Fashion-MNIST sets are written) map to
// those classes, any other names map by sorted position. More classes than
// the model knows, or fewer than two, is a *ClassError.
func ModelClasses(source string, classes []string, known int) ([]int, error) {
	if err := CheckClasses(source, len(classes), known); err != nil {
		return nil, err
	}
	out := make([]int, len(classes))
	seen := map[int]bool{}
	numbered := true
	for c, name := range classes {
		k, err := strconv.Atoi(name)
		if err != nil || k < 0 || k >= known || seen[k] || strconv.Itoa(k) != name {
			numbered = false
			break
		}
		seen[k] = true
		out[c] = k
	}
	if !numbered {
		for c := range out {
			out[c] = c
		}
	}
	return out, nil
}
