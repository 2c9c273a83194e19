package molgen

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/graph/molecule"
)

func TestTV(t *testing.T) {
	cases := []struct {
		name string
		p, q Hist
		want float64
	}{
		{"equal", Hist{"a": 1, "b": 3}, Hist{"a": 2, "b": 6}, 0},
		{"disjoint", Hist{"a": 1}, Hist{"b": 5}, 1},
		{"half moved", Hist{"a": 1, "b": 1}, Hist{"a": 2}, 0.5},
		{"three values", Hist{"1": 1, "2": 1, "3": 2}, Hist{"1": 2, "2": 1, "3": 1}, 0.25},
		{"both empty", Hist{}, Hist{}, 0},
		{"one empty", Hist{}, Hist{"a": 1}, 1},
	}
	for _, c := range cases {
		if got := TV(c.p, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: TV = %v, want %v", c.name, got, c.want)
		}
	}
}

// Evaluate on a hand-counted set: 5 samples, of which one is invalid
// (pentavalent carbon) and one disconnected; of the 4 valid, ethanol twice
// (OCC and CCO), so 3 distinct, of which ethanol is a training molecule.
func TestEvaluateCounts(t *testing.T) {
	samples := mustParse(t, "CCO", "OCC", "C1CC1", "C.O")
	bad := &molecule.Molecule{Atoms: []molecule.Atom{{Element: "C"}, {Element: "C"}}, Bonds: []molecule.Bond{{A: 0, B: 1, Order: 3}}}
	bad.Atoms[0].Hs, bad.Atoms[1].Hs = 2, 1 // C#C with 2 H on one carbon: valence 5
	samples = append(samples, bad)
	train := Canonicals(mustParse(t, "OCC", "CC"))
	ref := mustParse(t, "CCO", "C1CC1")
	s, err := Evaluate(samples, train, ref)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"valid", s.Valid, 4.0 / 5}, {"connected", s.Connected, 3.0 / 5}, {"unique", s.Unique, 3.0 / 4}, {"novel", s.Novel, 2.0 / 3},
		// atoms: samples C 2+2+3+1+2 = 10, O 3 vs ref C 5, O 1:
		// ½(|10/13 − 5/6| + |3/13 − 1/6|) = 5/78.
		{"atom TV", s.AtomTV, 5.0 / 78},
		// bonds: samples single 2+2+3 = 7, triple 1 vs ref single 5.
		{"bond TV", s.BondTV, 1.0 / 8},
		// sizes: samples 3,3,3,2,2 vs ref 3,3: 2/5 of mass on size 2.
		{"size TV", s.SizeTV, 2.0 / 5},
		// rings: one 3-ring in each.
		{"ring TV", s.RingTV, 0},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if _, err := Evaluate(nil, train, ref); err == nil {
		t.Error("Evaluate of no samples gave no error")
	}
}
