package tabular

import (
	"math"
	"testing"
)

func TestMissingPolicies(t *testing.T) {
	in := "n,k,c\n1.5,1,x\n,3,y\n2.5,,x\n4.5,4,\n"
	for _, tc := range []struct {
		policy string
		rows   int
		n, k   []float64 // column values after the policy (NaN missing)
		c      []float64
	}{
		{MissingDrop, 1, []float64{1.5}, []float64{1}, []float64{0}},
		{MissingImpute, 4, []float64{1.5, 2.8, 2.5, 4.5}, []float64{1, 3, 3, 4}, []float64{0, 1, 0, 0}},
		{MissingModel, 4, []float64{1.5, math.NaN(), 2.5, 4.5}, []float64{1, 3, math.NaN(), 4}, []float64{0, 1, 0, math.NaN()}},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			s, err := Infer(mustTable(t, in), &Config{Missing: tc.policy})
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(mustTable(t, in), s, nil)
			if err != nil {
				t.Fatal(err)
			}
			f = s.Apply(f)
			if f.Rows() != tc.rows {
				t.Fatalf("%d rows, want %d", f.Rows(), tc.rows)
			}
			for j, want := range [][]float64{tc.n, tc.k, tc.c} {
				for i, w := range want {
					if got := f.Cols[j][i]; !(got == w || math.IsNaN(got) && math.IsNaN(w)) {
						t.Errorf("column %s row %d = %v, want %v", s.Columns[j].Name, i, got, w)
					}
				}
				if s.Columns[j].Missing != (tc.policy == MissingModel) {
					t.Errorf("column %s: Missing = %v under %s", s.Columns[j].Name, s.Columns[j].Missing, tc.policy)
				}
			}
		})
	}
}

// TestRoundNeverGivesNegativeZero checks that a number that rounds to
// zero from below comes out as +0, so that the CSV says "0", not "-0"
// (on arm64, where Go fuses multiply-adds, decoding a standardised zero
// can land just below it).
func TestRoundNeverGivesNegativeZero(t *testing.T) {
	for _, c := range []Column{{Kind: Numeric, Decimals: 2}, {Kind: Numeric, Decimals: 0}, {Kind: Integer}} {
		for _, v := range []float64{-1e-12, -0.004, math.Copysign(0, -1)} {
			if got := c.round(v); got != 0 || math.Signbit(got) {
				t.Errorf("%v decimals %d: round(%g) = %g (sign bit %v), want +0", c.Kind, c.Decimals, v, got, math.Signbit(got))
			}
		}
	}
}
