package network

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Summary is the outcome of many runs of a model.
type Summary struct {
	Runs      int
	Mean, SE  float64   // mean of Run.Final and its standard error s/√R
	MeanCurve []float64 // mean of Run.Curve, shorter curves padded with their last value
	Finals    []int     // Run.Final of every run, in run order
}

// RunRNG is the random stream of run number run under seed: the same for
// a run whichever worker does it, so results do not depend on the number
// of workers.
func RunRNG(seed uint64, run int) *tensor.RNG {
	return tensor.NewRNG(seed).Split(uint64(run))
}

// MonteCarlo runs m from seeds runs times in parallel, run r drawing from
// RunRNG(seed, r), and summarises the runs. It is MonteCarloContext
// without a context to stop it or progress to report.
func MonteCarlo(g *Graph, m Model, seeds []int, steps, runs int, seed uint64) (Summary, error) {
	return MonteCarloContext(context.Background(), g, m, seeds, steps, runs, seed, nil)
}

// MonteCarloContext is MonteCarlo that ctx can stop and that reports
// progress. Every worker checks ctx before each run it starts: once ctx
// ends no run starts, the runs under way finish, and the error wraps
// ctx's (no partial summary is returned). progress, when not nil, is
// called after each run with the runs done so far and runs: one call at a
// time, with done counting up 1, 2, … runs, whichever worker finished the
// run. Neither changes the result, which is MonteCarlo's.
func MonteCarloContext(ctx context.Context, g *Graph, m Model, seeds []int, steps, runs int, seed uint64,
	progress func(done, total int)) (Summary, error) {
	if err := m.Check(); err != nil {
		return Summary{}, fmt.Errorf("network: %v: %w", m, err)
	}
	if runs < 1 {
		return Summary{}, fmt.Errorf("network: runs: want ≥ 1, got %d", runs)
	}
	if err := checkSeeds(g, seeds); err != nil {
		return Summary{}, err
	}
	out := make([]Run, runs)
	var mu sync.Mutex // guards done and serialises progress
	done := 0
	parallel.For(runs, 1, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			if ctx.Err() != nil {
				return
			}
			out[r] = m.Simulate(g, seeds, steps, RunRNG(seed, r))
			mu.Lock()
			done++
			if progress != nil {
				progress(done, runs)
			}
			mu.Unlock()
		}
	})
	if done < runs {
		return Summary{}, fmt.Errorf("network: stopped after %d of %d runs: %w", done, runs, ctx.Err())
	}
	return summarise(out), nil
}

// checkSeeds reports seed ids outside the graph.
func checkSeeds(g *Graph, seeds []int) error {
	if len(seeds) == 0 {
		return fmt.Errorf("network: seeds: want at least one seed node")
	}
	for _, s := range seeds {
		if s < 0 || s >= g.N() {
			return fmt.Errorf("network: seed %d: want a node id in [0, %d)", s, g.N())
		}
	}
	return nil
}

// summarise adds the runs up in run order.
func summarise(runs []Run) Summary {
	s := Summary{Runs: len(runs), Finals: make([]int, len(runs))}
	long := 0
	for i, r := range runs {
		s.Finals[i] = r.Final
		long = max(long, len(r.Curve))
	}
	s.Mean, s.SE = meanSE(s.Finals)
	s.MeanCurve = make([]float64, long)
	for _, r := range runs {
		for t := range s.MeanCurve {
			v := r.Curve[len(r.Curve)-1]
			if t < len(r.Curve) {
				v = r.Curve[t]
			}
			s.MeanCurve[t] += float64(v)
		}
	}
	for t := range s.MeanCurve {
		s.MeanCurve[t] /= float64(len(runs))
	}
	return s
}

// meanSE returns the mean of xs and its standard error s/√n (s the sample
// standard deviation; 0 for one value).
func meanSE(xs []int) (mean, se float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += float64(x)
	}
	mean /= n
	if len(xs) < 2 {
		return mean, 0
	}
	ss := 0.0
	for _, x := range xs {
		d := float64(x) - mean
		ss += d * d
	}
	return mean, math.Sqrt(ss / (n - 1) / n)
}
