package network

import (
	"fmt"
	"math"
	"strings"

	"github.com/diffusego/diffusego/tensor"
)

// Run is one realisation of a spreading process.
//
// Curve[t] is the state after step t (Curve[0] is the start): the number of
// infected nodes for SIR and SIS, the number of active nodes so far for IC
// and LT. Final is the outcome: for SIR the number ever infected (the final
// size, R at the end), for SIS the number infected after the last step, for
// IC and LT the number of nodes activated.
type Run struct {
	Curve []int
	Final int
}

// Model is a stochastic spreading process on a graph. Simulate runs it from
// the seed nodes for at most steps steps (a step is one day for SIR and SIS,
// one round of activations for IC and LT; steps ≤ 0 lets IC and LT run until
// nothing changes), drawing only from rng.
type Model interface {
	Simulate(g *Graph, seeds []int, steps int, rng *tensor.RNG) Run
	Check() error // the parameters are valid
	String() string
}

// SIR is the discrete-time susceptible–infected–recovered epidemic: in each
// step every infected node infects each susceptible neighbour independently
// with probability Beta (per contact per step, whatever the edge weight),
// then recovers with probability Gamma; nodes infected in a step become
// infectious in the next. The infectious period is geometric with mean
// 1/Gamma steps. On the complete graph of N nodes the expected new
// infections follow the mean-field recursion
// ΔI = S·(1 − (1 − β)^I), ΔR = γ·I (the chain-binomial model of Reed–Frost).
type SIR struct{ Beta, Gamma float64 }

// SIS is the discrete-time susceptible–infected–susceptible epidemic: as SIR,
// but a node that recovers becomes susceptible again. Above the epidemic
// threshold (roughly β·λ₁/γ > 1, λ₁ the adjacency spectral radius) the
// infection persists; below it, it dies out.
type SIS struct{ Beta, Gamma float64 }

// IC is the independent cascade (Goldenberg et al. 2001; Kempe et al. 2003):
// when u becomes active it gets one chance to activate each inactive
// out-neighbour v, succeeding with probability p_uv. With Weighted false
// p_uv = P; with Weighted true an edge of weight w counts as w independent
// contacts, p_uv = 1 − (1 − P)^w.
type IC struct {
	P        float64
	Weighted bool
}

// LT is the linear threshold model (Granovetter 1978; Kempe et al. 2003):
// each node v draws a threshold θ_v uniform on (0, 1] and becomes active
// when Σ b_uv over its active in-neighbours u reaches θ_v, with the weights
// normalised per node, b_uv = w_uv / Σ_u' w_u'v.
type LT struct{}

func checkProb(name string, p float64) error {
	if !(p >= 0 && p <= 1) {
		return fmt.Errorf("%s: want a probability in [0, 1], got %v", name, p)
	}
	return nil
}

// Check reports invalid parameters.
func (m SIR) Check() error { return checkBetaGamma(m.Beta, m.Gamma) }

// Check reports invalid parameters.
func (m SIS) Check() error { return checkBetaGamma(m.Beta, m.Gamma) }

// Check reports invalid parameters.
func (m IC) Check() error { return checkProb("p", m.P) }

// Check reports invalid parameters (LT has none).
func (LT) Check() error { return nil }

func checkBetaGamma(beta, gamma float64) error {
	if err := checkProb("beta", beta); err != nil {
		return err
	}
	return checkProb("gamma", gamma)
}

func (m SIR) String() string { return fmt.Sprintf("SIR(β=%g, γ=%g)", m.Beta, m.Gamma) }
func (m SIS) String() string { return fmt.Sprintf("SIS(β=%g, γ=%g)", m.Beta, m.Gamma) }
func (m IC) String() string {
	if m.Weighted {
		return fmt.Sprintf("IC(p=1−(1−%g)^w)", m.P)
	}
	return fmt.Sprintf("IC(p=%g)", m.P)
}
func (LT) String() string { return "LT" }

// node states of the epidemic models.
const (
	susceptible = iota
	infected
	recovered
)

// Simulate runs the SIR epidemic for steps steps or until no one is
// infected; the curve is padded to steps+1 entries.
func (m SIR) Simulate(g *Graph, seeds []int, steps int, rng *tensor.RNG) Run {
	return epidemic(g, seeds, steps, m.Beta, m.Gamma, recovered, rng)
}

// Simulate runs the SIS epidemic for steps steps (or until it dies out);
// the curve has steps+1 entries.
func (m SIS) Simulate(g *Graph, seeds []int, steps int, rng *tensor.RNG) Run {
	return epidemic(g, seeds, steps, m.Beta, m.Gamma, susceptible, rng)
}

// epidemic is SIR (after = recovered) or SIS (after = susceptible).
func epidemic(g *Graph, seeds []int, steps int, beta, gamma float64, after int, rng *tensor.RNG) Run {
	state := make([]int8, g.N())
	var inf []int
	for _, s := range seeds {
		if state[s] == susceptible {
			state[s] = infected
			inf = append(inf, s)
		}
	}
	ever := len(inf)
	curve := make([]int, 1, steps+1)
	curve[0] = len(inf)
	var next, fresh []int
	for t := 1; t <= steps; t++ {
		fresh = fresh[:0]
		for _, u := range inf { // infection from those infectious at the start of the step
			for _, e := range g.Out[u] {
				if state[e.To] == susceptible && rng.Uniform() < beta {
					state[e.To] = -1 // infected this step: not yet infectious, not infectable again
					fresh = append(fresh, e.To)
				}
			}
		}
		next = next[:0]
		for _, u := range inf {
			if rng.Uniform() < gamma {
				state[u] = int8(after)
			} else {
				next = append(next, u)
			}
		}
		for _, v := range fresh {
			state[v] = infected
		}
		ever += len(fresh)
		inf, next = append(next, fresh...), inf
		curve = append(curve, len(inf))
	}
	final := len(inf)
	if after == recovered {
		final = ever
	}
	return Run{Curve: curve, Final: final}
}

// prob is p_uv of the cascade for an arc of weight w.
func (m IC) prob(w float64) float64 {
	if m.Weighted {
		return 1 - math.Pow(1-m.P, w)
	}
	return m.P
}

// Simulate runs the cascade until no new node activates (or for steps
// rounds when steps > 0).
func (m IC) Simulate(g *Graph, seeds []int, steps int, rng *tensor.RNG) Run {
	active := make([]bool, g.N())
	frontier := activate(active, seeds)
	total := len(frontier)
	curve := []int{total}
	var next []int
	for t := 1; len(frontier) > 0 && (steps <= 0 || t <= steps); t++ {
		next = next[:0]
		for _, u := range frontier {
			for _, e := range g.Out[u] {
				if !active[e.To] && rng.Uniform() < m.prob(e.W) {
					active[e.To] = true
					next = append(next, e.To)
				}
			}
		}
		total += len(next)
		curve = append(curve, total)
		frontier, next = next, frontier
	}
	return Run{Curve: curve, Final: total}
}

// Simulate runs the threshold process until no new node activates (or for
// steps rounds when steps > 0). Activation is synchronous: the nodes that
// activate in round t are those whose threshold the nodes active after
// round t−1 reach.
func (LT) Simulate(g *Graph, seeds []int, steps int, rng *tensor.RNG) Run {
	n := g.N()
	theta := make([]float64, n)
	for v := range theta {
		theta[v] = 1 - rng.Uniform() // (0, 1]
	}
	inW := inWeights(g)
	active := make([]bool, n)
	frontier := activate(active, seeds)
	infl := make([]float64, n)
	queued := make([]bool, n)
	total := len(frontier)
	curve := []int{total}
	var next []int
	for t := 1; len(frontier) > 0 && (steps <= 0 || t <= steps); t++ {
		next = next[:0]
		for _, u := range frontier {
			for _, e := range g.Out[u] {
				v := e.To
				if active[v] || queued[v] {
					continue
				}
				infl[v] += e.W / inW[v]
				if infl[v] >= theta[v] {
					queued[v] = true
					next = append(next, v)
				}
			}
		}
		for _, v := range next {
			active[v] = true
		}
		total += len(next)
		curve = append(curve, total)
		frontier, next = next, frontier
	}
	return Run{Curve: curve, Final: total}
}

// inWeights returns Σ_u w_uv for every node v.
func inWeights(g *Graph) []float64 {
	s := make([]float64, g.N())
	for v, es := range g.In {
		for _, e := range es {
			s[v] += e.W
		}
	}
	return s
}

// activate marks the distinct seeds active and returns them.
func activate(active []bool, seeds []int) []int {
	var f []int
	for _, s := range seeds {
		if !active[s] {
			active[s] = true
			f = append(f, s)
		}
	}
	return f
}

// ModelSpec names a spreading model and its parameters, as the command
// line and the server's network jobs give them.
type ModelSpec struct {
	Name        string  // sir, sis, ic or lt (any case)
	Beta, Gamma float64 // SIR and SIS
	P           float64 // IC
	Weighted    bool    // IC
}

// Models are the names ModelSpec.Model knows.
var Models = []string{"sir", "sis", "ic", "lt"}

// Model returns the spreading model the spec names, its parameters checked
// (Model.Check). The error names the name or the parameter that is wrong.
func (s ModelSpec) Model() (Model, error) {
	var m Model
	switch strings.ToLower(s.Name) {
	case "sir":
		m = SIR{Beta: s.Beta, Gamma: s.Gamma}
	case "sis":
		m = SIS{Beta: s.Beta, Gamma: s.Gamma}
	case "ic":
		m = IC{P: s.P, Weighted: s.Weighted}
	case "lt":
		m = LT{}
	default:
		return nil, &UnknownModelError{Name: s.Name}
	}
	if err := m.Check(); err != nil {
		return nil, err
	}
	return m, nil
}

// UnknownModelError reports a spreading model name ModelSpec does not know.
type UnknownModelError struct{ Name string }

func (e *UnknownModelError) Error() string {
	return fmt.Sprintf("model: want %s, got %q", strings.Join(Models, ", "), e.Name)
}
