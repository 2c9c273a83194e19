package perception

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// simulatePairs returns raters·perRater pairs of random distinct items,
// answered by the Bradley–Terry model with the given log-strengths.
func simulatePairs(rng *tensor.RNG, names []string, logGamma []float64, raters, perRater int) []Pair {
	var pairs []Pair
	for r := range raters {
		for range perRater {
			a := rng.Intn(len(names))
			b := (a + 1 + rng.Intn(len(names)-1)) % len(names)
			pA := 1 / (1 + math.Exp(logGamma[b]-logGamma[a]))
			pairs = append(pairs, Pair{Rater: fmt.Sprintf("r%02d", r), A: names[a], B: names[b], PreferA: rng.Uniform() < pA})
		}
	}
	return pairs
}

// Must-show 4: from 3000 simulated comparisons of five items by 30 raters,
// the fit ranks the items right and recovers each log-strength within 0.15.
func TestBradleyTerryRecovers(t *testing.T) {
	names := []string{"ddim-10", "ddim-50", "dpm-20", "euler-20", "heun-5"}
	truth := []float64{-1.2, 0.4, 1.1, 0, -0.3} // mean 0
	pairs := simulatePairs(tensor.NewRNG(11), names, truth, 30, 100)
	opts := DefaultOptions()
	opts.Resamples = 200
	s, err := BradleyTerry(pairs, opts)
	if err != nil {
		t.Fatal(err)
	}
	wantOrder := []string{"dpm-20", "ddim-50", "euler-20", "heun-5", "ddim-10"}
	covered := 0
	for i, it := range s.Items {
		if it.Item != wantOrder[i] {
			t.Errorf("rank %d: %s, want %s", i+1, it.Item, wantOrder[i])
		}
		want := truth[indexOf(names, it.Item)]
		if math.Abs(it.Score-want) > 0.15 {
			t.Errorf("%s: score %.3f, want %.3f ± 0.15", it.Item, it.Score, want)
		}
		if !(it.Lo < it.Score && it.Score < it.Hi) {
			t.Errorf("%s: interval [%.3f, %.3f] does not hold the score %.3f", it.Item, it.Lo, it.Hi, it.Score)
		}
		if it.Lo <= want && want <= it.Hi {
			covered++
		}
	}
	if covered < 4 {
		t.Errorf("95%% intervals cover %d of 5 true scores, want at least 4", covered)
	}
	if s.Raters != 30 || s.Pairs != 3000 || s.Degenerate != 0 {
		t.Errorf("raters %d pairs %d degenerate %d, want 30 3000 0", s.Raters, s.Pairs, s.Degenerate)
	}
}

func indexOf(x []string, s string) int {
	for i, v := range x {
		if v == s {
			return i
		}
	}
	return -1
}

// With two items the maximum-likelihood fit is closed-form: γa/γb = Wa/Wb,
// so the centred scores are ±½·log(Wa/Wb).
func TestBradleyTerryTwoItems(t *testing.T) {
	var pairs []Pair
	for i := range 40 {
		pairs = append(pairs, Pair{Rater: fmt.Sprint("r", i%4), A: "a", B: "b", PreferA: i%4 != 0}) // a wins 30 of 40
	}
	s, err := BradleyTerry(pairs, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := 0.5 * math.Log(30.0/10)
	if s.Items[0].Item != "a" || math.Abs(s.Items[0].Score-want) > 1e-9 || math.Abs(s.Items[1].Score+want) > 1e-9 {
		t.Errorf("scores %+v, want a: %.6f, b: %.6f", s.Items, want, -want)
	}
	if s.Items[0].Wins != 30 || s.Items[0].Comparisons != 40 || s.Items[1].Wins != 10 {
		t.Errorf("wins %d/%d and %d, want 30/40 and 10", s.Items[0].Wins, s.Items[0].Comparisons, s.Items[1].Wins)
	}
	if p, ok := s.Prob("a", "b"); !ok || math.Abs(p-0.75) > 1e-9 {
		t.Errorf("Prob(a, b) = %v, %v; want 0.75, true", p, ok)
	}
	if _, ok := s.Prob("a", "zzz"); ok {
		t.Error("Prob(a, zzz) found an unknown item")
	}
}

// The fit is the maximum: the likelihood equations Wᵢ = Σⱼ Nᵢⱼ·γᵢ/(γᵢ + γⱼ)
// hold for every item (Hunter 2004, eq. 2).
func TestBradleyTerryLikelihoodEquations(t *testing.T) {
	names := []string{"a", "b", "c", "d", "e", "f"}
	pairs := simulatePairs(tensor.NewRNG(12), names, []float64{0.3, -0.5, 1.4, 0, -1, 0.2}, 5, 40)
	opts := DefaultOptions()
	opts.Resamples = 10
	s, err := BradleyTerry(pairs, opts)
	if err != nil {
		t.Fatal(err)
	}
	score := map[string]float64{}
	for _, it := range s.Items {
		score[it.Item] = it.Score
	}
	expected := map[string]float64{}
	for _, p := range pairs {
		pa := 1 / (1 + math.Exp(score[p.B]-score[p.A]))
		expected[p.A] += pa
		expected[p.B] += 1 - pa
	}
	for _, it := range s.Items {
		if math.Abs(expected[it.Item]-float64(it.Wins)) > 1e-6 {
			t.Errorf("%s: expected wins %.8f, observed %d", it.Item, expected[it.Item], it.Wins)
		}
	}
}

// A resample in which some item won every comparison has no finite fit; it
// is counted and fitted with the vanishing prior, and the intervals stay
// finite.
func TestBradleyTerryDegenerateResamples(t *testing.T) {
	pairs := []Pair{
		{Rater: "r1", A: "a", B: "b", PreferA: true},
		{Rater: "r2", A: "a", B: "b", PreferA: false},
		{Rater: "r3", A: "b", B: "c", PreferA: true},
		{Rater: "r4", A: "b", B: "c", PreferA: false},
	}
	opts := DefaultOptions()
	opts.Resamples = 200
	s, err := BradleyTerry(pairs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if s.Degenerate == 0 || s.Degenerate == opts.Resamples {
		t.Errorf("degenerate resamples %d of %d, want some but not all", s.Degenerate, opts.Resamples)
	}
	for _, it := range s.Items {
		if math.Abs(it.Score) > 1e-9 {
			t.Errorf("%s: score %v, want 0 (every item won half its comparisons)", it.Item, it.Score)
		}
		if math.IsInf(it.Lo, 0) || math.IsNaN(it.Lo) || math.IsInf(it.Hi, 0) || math.IsNaN(it.Hi) || it.Hi-it.Lo < 2 {
			t.Errorf("%s: interval [%v, %v], want finite and wide", it.Item, it.Lo, it.Hi)
		}
	}
}

func TestBradleyTerryDeterministic(t *testing.T) {
	pairs := simulatePairs(tensor.NewRNG(13), []string{"a", "b", "c"}, []float64{0, 1, -1}, 6, 20)
	opts := DefaultOptions()
	opts.Resamples = 100
	a, err := BradleyTerry(pairs, opts)
	if err != nil {
		t.Fatal(err)
	}
	reversed := make([]Pair, len(pairs))
	for i := range pairs {
		reversed[len(pairs)-1-i] = pairs[i]
	}
	b, _ := BradleyTerry(reversed, opts)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("reversing the pairs changed the fit:\n%+v\n%+v", a, b)
	}
	for i := range pairs { // one rater: the pairs themselves are resampled
		pairs[i].Rater, reversed[len(pairs)-1-i].Rater = "solo", "solo"
	}
	one, _ := BradleyTerry(pairs, opts)
	oneReversed, _ := BradleyTerry(reversed, opts)
	if !reflect.DeepEqual(one, oneReversed) {
		t.Fatalf("one rater: reversing the pairs changed the fit:\n%+v\n%+v", one, oneReversed)
	}
	opts.Seed = 99
	c, _ := BradleyTerry(pairs, opts)
	if c.Items[0].Score != a.Items[0].Score || c.Items[0].Lo == a.Items[0].Lo {
		t.Errorf("seed 99 vs 1: score %v vs %v, lo %v vs %v; want the same score, another interval", c.Items[0].Score, a.Items[0].Score, c.Items[0].Lo, a.Items[0].Lo)
	}
}

func TestBradleyTerryErrors(t *testing.T) {
	p := func(r, a, b string, preferA bool) Pair { return Pair{Rater: r, A: a, B: b, PreferA: preferA} }
	cycle := []Pair{p("r", "a", "b", true), p("r", "b", "c", true), p("r", "c", "a", true)}
	cases := []struct {
		name  string
		pairs []Pair
		opts  Options
		want  string
	}{
		{"no pairs", nil, DefaultOptions(), "no pairs"},
		{"no rater", []Pair{p("", "a", "b", true)}, DefaultOptions(), `pair 0 ("a" vs "b"): field "Rater"`},
		{"no A", append(cycle, p("r", "", "b", true)), DefaultOptions(), `pair 3 (rater "r"): field "A"`},
		{"no B", append(cycle, p("r", "a", "", true)), DefaultOptions(), `pair 3 (rater "r"): field "B"`},
		{"tie: an item against itself", append(cycle, p("r", "d", "d", true)), DefaultOptions(), `fields "A" and "B" are both "d"`},
		{"disconnected", append(cycle, p("r", "x", "y", true), p("r", "y", "x", true)), DefaultOptions(),
			"the comparison graph is disconnected: no pair compares items of different groups among {a, b, c} {x, y}"},
		{"an item won everything", append(cycle, p("r", "top", "a", true), p("r", "c", "top", false)), DefaultOptions(),
			"{top} won every comparison with the other items"},
		{"an item lost everything", append(cycle, p("r", "low", "a", false), p("r", "b", "low", true)), DefaultOptions(),
			"{low} lost every comparison with the other items"},
		{"one item never loses", []Pair{p("r", "a", "b", true), p("r", "a", "b", true)}, DefaultOptions(), "{b} lost every comparison"},
		{"bad level", cycle, Options{Level: 2, Resamples: 10}, `field "Level"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := BradleyTerry(c.pairs, c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	// A group of two that beat the rest, compared among themselves both ways.
	group := append(append([]Pair(nil), cycle...), p("r", "u", "v", true), p("r", "v", "u", true), p("r", "u", "a", true), p("r", "b", "v", false))
	if _, err := BradleyTerry(group, DefaultOptions()); err == nil || !strings.Contains(err.Error(), "{u, v} won every comparison") {
		t.Errorf("group {u, v} above the rest: error %v, want one naming {u, v}", err)
	}
}

// The expansion factor √(r/(r − 1))·t/z at 95%: t quantiles of 2.776 (4
// degrees of freedom) and 2.093 (19) from tables.
func TestExpansion(t *testing.T) {
	for _, c := range []struct {
		r    int
		want float64
	}{{1, 1}, {5, math.Sqrt(5.0/4) * 2.7764 / 1.95996}, {20, math.Sqrt(20.0/19) * 2.0930 / 1.95996}} {
		if got := expansion(c.r, 0.95); math.Abs(got-c.want) > 1e-4 {
			t.Errorf("expansion(%d, 0.95) = %.5f, want %.5f", c.r, got, c.want)
		}
	}
}

// With one rater the pairs are resampled, so the intervals have width.
func TestBradleyTerryOneRater(t *testing.T) {
	var pairs []Pair
	for i := range 30 {
		pairs = append(pairs, Pair{Rater: "solo", A: "a", B: "b", PreferA: i%3 != 0})
	}
	opts := DefaultOptions()
	opts.Resamples = 200
	s, err := BradleyTerry(pairs, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range s.Items {
		if !(it.Lo < it.Score && it.Score < it.Hi) {
			t.Errorf("%s: interval [%v, %v] around %v has no width", it.Item, it.Lo, it.Hi, it.Score)
		}
	}
}
