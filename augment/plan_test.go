package augment

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestCounts(t *testing.T) {
	cases := []struct {
		name string
		q    Request
		real []int
		want []int
	}{
		{"per class", Request{PerClass: 5}, []int{10, 3, 7}, []int{5, 5, 5}},
		// r = 0.5 doubles every class; r = 0.75 adds three per real example.
		{"ratio 0.5", Request{Ratio: 0.5}, []int{10, 3, 7}, []int{10, 3, 7}},
		{"ratio 0.75", Request{Ratio: 0.75}, []int{10, 3, 7}, []int{30, 9, 21}},
		{"ratio 0", Request{Ratio: 0, PerClass: 0}, []int{4, 4}, []int{0, 0}},
		{"minority fills up", Request{Minority: true}, []int{10, 3, 7}, []int{0, 7, 3}},
		{"minority capped by per class", Request{Minority: true, PerClass: 5}, []int{10, 3, 7}, []int{0, 5, 3}},
		{"minority by ratio", Request{Minority: true, Ratio: 0.5}, []int{10, 3, 7}, []int{0, 3, 3}},
	}
	for _, tc := range cases {
		got, err := tc.q.Counts(tc.real)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: Counts(%v) = %v, %v; want %v", tc.name, tc.real, got, err, tc.want)
		}
	}
}

// A mixing ratio outside [0, 1] is a *RatioError naming the value.
func TestRatioOutsideUnitInterval(t *testing.T) {
	for _, r := range []float64{-0.1, 1.5, math.NaN(), math.Inf(1)} {
		_, err := Request{Ratio: r}.Counts([]int{3, 3})
		var re *RatioError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "in [0, 1]") {
			t.Errorf("ratio %g: err = %v, want a *RatioError saying [0, 1]", r, err)
		}
	}
	for _, r := range []float64{0, 0.3, 1} {
		if err := CheckRatio(r); err != nil {
			t.Errorf("CheckRatio(%g) = %v", r, err)
		}
	}
	if _, err := (Request{Ratio: 1}).Counts([]int{3}); err == nil || !strings.Contains(err.Error(), "synthetic data only") {
		t.Errorf("ratio 1: err = %v, want it to ask for a count per class", err)
	}
}

// More classes than the model knows, or a single class, is a *ClassError.
func TestClassErrors(t *testing.T) {
	var ce *ClassError
	err := CheckClasses("photos", 11, 10)
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "11 classes but the model knows 10") {
		t.Errorf("11 classes for 10: %v", err)
	}
	err = CheckClasses("photos", 1, 10)
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "at least two classes") {
		t.Errorf("one class: %v", err)
	}
	err = CheckClasses("photos", 3, 0)
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "unconditional") {
		t.Errorf("unconditional model: %v", err)
	}
	if err := CheckClasses("photos", 10, 10); err != nil {
		t.Errorf("10 of 10: %v", err)
	}
}

func TestModelClasses(t *testing.T) {
	cases := []struct {
		names []string
		want  []int
	}{
		{[]string{"3", "7"}, []int{3, 7}},          // numbered folders are those classes
		{[]string{"boots", "shirts"}, []int{0, 1}}, // other names: sorted position
		{[]string{"03", "7"}, []int{0, 1}},         // not the plain number
		{[]string{"3", "12"}, []int{0, 1}},         // 12 is not a class of a 10-class model
	}
	for _, tc := range cases {
		got, err := ModelClasses("d", tc.names, 10)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ModelClasses(%q) = %v, %v; want %v", tc.names, got, err, tc.want)
		}
	}
	if _, err := ModelClasses("d", make([]string, 11), 10); err == nil {
		t.Error("11 classes for a 10-class model: no error")
	}
}

func TestMeanCI(t *testing.T) {
	// {1, 2, 3}: mean 2, s = 1, half-width t_{0.975,2}/√3 = 4.303/√3.
	ci := MeanCI([]float64{1, 2, 3})
	half := 4.303 / math.Sqrt(3)
	if math.Abs(ci.Mean-2) > 1e-12 || math.Abs(ci.Lo-(2-half)) > 1e-12 || math.Abs(ci.Hi-(2+half)) > 1e-12 {
		t.Errorf("MeanCI = %+v, want 2 ± %.4f", ci, half)
	}
	one := MeanCI([]float64{0.5})
	if one.Lo != 0.5 || one.Hi != 0.5 {
		t.Errorf("one value: %+v", one)
	}
	if !(Interval{Lo: 0.6}).Above(Interval{Hi: 0.5}) || (Interval{Lo: 0.4}).Above(Interval{Hi: 0.5}) {
		t.Error("Above is wrong")
	}
}
