package network

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/diffusego/diffusego/internal/parallel"
)

// build returns a graph on nodes "0"…"n−1" with the given edges (weight 1).
func build(t testing.TB, n int, directed bool, edges [][2]int) *Graph {
	t.Helper()
	g := NewGraph(directed)
	for i := range n {
		g.AddNode(fmt.Sprint(i), 0)
	}
	for _, e := range edges {
		if err := g.AddEdge(e[0], e[1], 1); err != nil {
			t.Fatal(err)
		}
	}
	return g
}

func path(t testing.TB, n int) *Graph {
	var es [][2]int
	for i := 0; i+1 < n; i++ {
		es = append(es, [2]int{i, i + 1})
	}
	return build(t, n, false, es)
}

func star(t testing.TB, n int) *Graph { // centre 0
	var es [][2]int
	for i := 1; i < n; i++ {
		es = append(es, [2]int{0, i})
	}
	return build(t, n, false, es)
}

func complete(t testing.TB, n int) *Graph {
	var es [][2]int
	for i := range n {
		for j := i + 1; j < n; j++ {
			es = append(es, [2]int{i, j})
		}
	}
	return build(t, n, false, es)
}

// within fails unless |got − want| ≤ z·se (the Monte-Carlo error).
func within(t *testing.T, what string, got, se, want, z float64) {
	t.Helper()
	if math.Abs(got-want) > z*se || se == 0 && got != want {
		t.Errorf("%s = %.4f ± %.4f, want %.4f (|diff| = %.1f se)", what, got, se, want, math.Abs(got-want)/se)
	}
}

// TestICClosedForm checks the cascade on graphs whose expected spread is
// known: from one end of a path of n nodes node k is reached iff the first
// k edges fire, so σ = Σ_{k<n} p^k; from the centre of a star of n nodes
// σ = 1 + (n−1)p; from a leaf σ = 1 + p + (n−2)p².
func TestICClosedForm(t *testing.T) {
	const runs = 20000
	p := 0.6
	geo := 0.0
	for k := range 8 {
		geo += math.Pow(p, float64(k))
	}
	// From both ends of a path of 8, inner node i (1…6) is reached from the
	// left with p^i and from the right with p^(7−i), independently (different edges).
	both := 2.0
	for i := 1; i <= 6; i++ {
		l, r := math.Pow(p, float64(i)), math.Pow(p, float64(7-i))
		both += 1 - (1-l)*(1-r)
	}
	cases := []struct {
		name  string
		g     *Graph
		seeds []int
		want  float64
	}{
		{"path 8 from an end", path(t, 8), []int{0}, geo},
		{"star 10 from the centre", star(t, 10), []int{0}, 1 + 9*p},
		{"star 10 from a leaf", star(t, 10), []int{3}, 1 + p + 8*p*p},
		{"path 8 from both ends", path(t, 8), []int{0, 7}, both},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := MonteCarlo(c.g, IC{P: p}, c.seeds, 0, runs, 1)
			if err != nil {
				t.Fatal(err)
			}
			within(t, "mean spread", s.Mean, s.SE, c.want, 4)
			ws, err := SampleWorlds(c.g, IC{P: p}, runs, 2)
			if err != nil {
				t.Fatal(err)
			}
			m, se := ws.Spread(c.seeds)
			within(t, "live-edge spread", m, se, c.want, 4)
		})
	}
}

// TestICWeighted checks p_uv = 1 − (1 − p)^w: an edge of weight 3 at p = 0.2
// fires with probability 1 − 0.8³ = 0.488.
func TestICWeighted(t *testing.T) {
	g := NewGraph(true)
	a, b := g.AddNode("a", 0), g.AddNode("b", 0)
	if err := g.AddEdge(a, b, 3); err != nil {
		t.Fatal(err)
	}
	s, err := MonteCarlo(g, IC{P: 0.2, Weighted: true}, []int{a}, 0, 20000, 3)
	if err != nil {
		t.Fatal(err)
	}
	within(t, "spread", s.Mean, s.SE, 1.488, 4)
}

// meanFieldSIR iterates the mean-field recursion of the discrete-time SIR on
// the complete graph of n nodes: ΔI = S(1 − (1−β)^I), then I recovers at γ.
func meanFieldSIR(n, i0, beta, gamma float64, steps int) (final float64, curve []float64) {
	s, i, r := n-i0, i0, 0.0
	curve = []float64{i}
	for range steps {
		inf := s * (1 - math.Pow(1-beta, i))
		rec := gamma * i
		s, i, r = s-inf, i+inf-rec, r+rec
		curve = append(curve, i)
	}
	return r + i, curve
}

// TestSIRMeanField compares the simulated SIR on a complete graph of 200
// nodes with the mean-field recursion: R0 = Nβ/γ = 2.4, 10 initial
// infecteds (so early extinction, (1/2.4)^10, is negligible). The stochastic
// mean differs from the recursion by O(1/√N) effects; 4% on the final size
// and 10% on the peak hold with margin.
func TestSIRMeanField(t *testing.T) {
	const n, steps = 200, 60
	g := complete(t, n)
	m := SIR{Beta: 0.006, Gamma: 0.5}
	seeds := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	s, err := MonteCarlo(g, m, seeds, steps, 200, 4)
	if err != nil {
		t.Fatal(err)
	}
	final, curve := meanFieldSIR(n, 10, m.Beta, m.Gamma, steps)
	t.Logf("final %.2f ± %.2f vs %.2f; peak %.2f vs %.2f", s.Mean, s.SE, final, slices.Max(s.MeanCurve), slices.Max(curve))
	if rel := math.Abs(s.Mean-final) / final; rel > 0.04 {
		t.Errorf("final size %.1f ± %.1f, mean field %.1f (%.1f%% off)", s.Mean, s.SE, final, 100*rel)
	}
	if got, want := slices.Max(s.MeanCurve), slices.Max(curve); math.Abs(got-want)/want > 0.1 {
		t.Errorf("peak prevalence %.1f, mean field %.1f", got, want)
	}
	if len(s.MeanCurve) != steps+1 || s.MeanCurve[0] != 10 {
		t.Errorf("curve: %d points starting at %v, want %d starting at 10", len(s.MeanCurve), s.MeanCurve[0], steps+1)
	}
}

// TestSISThreshold checks SIS on a complete graph of 100 nodes at γ = 0.2:
// above the threshold (Nβ/γ = 3) the prevalence settles at the mean-field
// fixed point γi = (1 − i)(1 − (1−β)^{Ni}); below it (Nβ/γ = 0.5) the
// infection dies out.
func TestSISThreshold(t *testing.T) {
	const n = 100
	g := complete(t, n)
	seeds := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	above := SIS{Beta: 0.006, Gamma: 0.2}
	s, err := MonteCarlo(g, above, seeds, 150, 100, 5)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := 0.01, 1.0 // bisect the fixed point
	for range 60 {
		i := (lo + hi) / 2
		if above.Gamma*i < (1-i)*(1-math.Pow(1-above.Beta, n*i)) {
			lo = i
		} else {
			hi = i
		}
	}
	want := lo * n
	got := 0.0
	for _, v := range s.MeanCurve[100:] { // steps 100…150: the endemic state
		got += v
	}
	got /= float64(len(s.MeanCurve[100:]))
	t.Logf("endemic %.2f vs mean field %.2f", got, want)
	if math.Abs(got-want)/want > 0.05 {
		t.Errorf("endemic prevalence %.2f, mean field %.2f", got, want)
	}
	below := SIS{Beta: 0.001, Gamma: 0.2}
	s, err = MonteCarlo(g, below, seeds, 150, 100, 6)
	if err != nil {
		t.Fatal(err)
	}
	if s.Mean > 0.1 {
		t.Errorf("below threshold: prevalence after 150 steps %.2f, want about 0", s.Mean)
	}
}

// TestLTBruteForce compares LT simulation with the exact expected spread by
// enumerating every live-edge choice (each node keeps one in-arc with
// probability b_uv; Kempe et al. 2003, Claim 2.6) on a small weighted
// directed graph.
func TestLTBruteForce(t *testing.T) {
	g := NewGraph(true)
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		g.AddNode(n, 0)
	}
	arcs := []struct {
		u, v int
		w    float64
	}{{0, 1, 1}, {0, 2, 2}, {1, 2, 1}, {1, 3, 3}, {2, 3, 1}, {3, 4, 1}, {2, 4, 2}, {4, 1, 1}}
	for _, a := range arcs {
		if err := g.AddEdge(a.u, a.v, a.w); err != nil {
			t.Fatal(err)
		}
	}
	seeds := []int{0}
	want := bruteLT(g, seeds)
	s, err := MonteCarlo(g, LT{}, seeds, 0, 20000, 7)
	if err != nil {
		t.Fatal(err)
	}
	within(t, "LT spread", s.Mean, s.SE, want, 4)
	ws, err := SampleWorlds(g, LT{}, 20000, 8)
	if err != nil {
		t.Fatal(err)
	}
	m, se := ws.Spread(seeds)
	within(t, "LT live-edge spread", m, se, want, 4)
}

// bruteLT is σ(seeds) under LT by enumerating every choice of one in-arc
// per node (nodes without in-arcs choose nothing).
func bruteLT(g *Graph, seeds []int) float64 {
	inW := inWeights(g)
	choice := make([]int, g.N())
	var rec func(v int, prob float64) float64
	rec = func(v int, prob float64) float64 {
		if v == g.N() {
			return prob * float64(reachChoice(g, choice, seeds))
		}
		if len(g.In[v]) == 0 {
			choice[v] = -1
			return rec(v+1, prob)
		}
		sum := 0.0
		for _, e := range g.In[v] {
			choice[v] = e.To
			sum += rec(v+1, prob*e.W/inW[v])
		}
		return sum
	}
	return rec(0, 1)
}

// reachChoice counts nodes reachable from seeds when v's only live in-arc is
// choice[v] → v.
func reachChoice(g *Graph, choice, seeds []int) int {
	on := make([]bool, g.N())
	for _, s := range seeds {
		on[s] = true
	}
	for changed := true; changed; {
		changed = false
		for v, u := range choice {
			if u >= 0 && on[u] && !on[v] {
				on[v], changed = true, true
			}
		}
	}
	n := 0
	for _, b := range on {
		if b {
			n++
		}
	}
	return n
}

// TestMonteCarloWorkers checks that results do not depend on how the runs
// are split among workers: the parallel result equals running every run
// in order on one goroutine, each from its own stream RunRNG(seed, r).
func TestMonteCarloWorkers(t *testing.T) {
	g := path(t, 30)
	m := SIR{Beta: 0.5, Gamma: 0.3}
	a, err := MonteCarlo(g, m, []int{0}, 40, 64, 9)
	if err != nil {
		t.Fatal(err)
	}
	serial := make([]Run, 64)
	for r := range serial {
		serial[r] = m.Simulate(g, []int{0}, 40, RunRNG(9, r))
	}
	b := summarise(serial)
	if !slices.Equal(a.Finals, b.Finals) || !slices.Equal(a.MeanCurve, b.MeanCurve) || a.Mean != b.Mean {
		t.Errorf("parallel runs %v differ from serial %v", a.Finals[:8], b.Finals[:8])
	}
	c, _ := MonteCarlo(g, m, []int{0}, 40, 64, 10)
	if slices.Equal(a.Finals, c.Finals) {
		t.Errorf("seeds 9 and 10 gave the same runs")
	}
}

// TestMonteCarloContext: progress counts every run up from 1 in order and
// the summary is MonteCarlo's; a context cancelled after 10 runs stops the
// rest from starting and the error says it was cancelled.
func TestMonteCarloContext(t *testing.T) {
	g := path(t, 30)
	m := SIR{Beta: 0.5, Gamma: 0.3}
	var counts []int
	a, err := MonteCarloContext(context.Background(), g, m, []int{0}, 40, 64, 9, func(done, total int) {
		if total != 64 {
			t.Errorf("progress total %d, want 64", total)
		}
		counts = append(counts, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range counts {
		if c != i+1 {
			t.Fatalf("progress counts %v, want 1, 2, … 64", counts)
		}
	}
	b, _ := MonteCarlo(g, m, []int{0}, 40, 64, 9)
	if len(counts) != 64 || !slices.Equal(a.Finals, b.Finals) || !slices.Equal(a.MeanCurve, b.MeanCurve) {
		t.Fatalf("%d progress calls (want 64), or the runs differ from MonteCarlo's", len(counts))
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	last := 0
	const runs = 100000
	_, err = MonteCarloContext(ctx, g, m, []int{0}, 40, runs, 9, func(done, _ int) {
		last = done
		if done == 10 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled after 10 runs: error %v, want context.Canceled", err)
	}
	// Runs already under way on other workers finish; none starts after.
	if last < 10 || last > 10+parallel.Workers()*2 {
		t.Fatalf("cancelled after 10 runs: %d runs done, want about 10", last)
	}
}

func TestMonteCarloBadInput(t *testing.T) {
	g := path(t, 3)
	for _, c := range []struct {
		name  string
		m     Model
		seeds []int
		runs  int
	}{
		{"beta > 1", SIR{Beta: 1.5, Gamma: 0.1}, []int{0}, 10},
		{"negative p", IC{P: -0.1}, []int{0}, 10},
		{"NaN gamma", SIS{Beta: 0.1, Gamma: math.NaN()}, []int{0}, 10},
		{"no seeds", IC{P: 0.1}, nil, 10},
		{"seed out of range", IC{P: 0.1}, []int{3}, 10},
		{"no runs", LT{}, []int{0}, 0},
	} {
		if _, err := MonteCarlo(g, c.m, c.seeds, 10, c.runs, 1); err == nil {
			t.Errorf("%s: want an error", c.name)
		}
	}
}
