package main

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/network"
	"github.com/diffusego/diffusego/tensor"
	"github.com/spf13/cobra"
)

// newNetworkCmd builds `diffuse network` and its subcommands.
func newNetworkCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "network",
		Short: "Spreading on networks: simulate epidemics and cascades, choose seeds, fit outbreaks",
		Long: `network is diffusion in its other sense: how a disease, a technology or a rumour
spreads through a network. simulate runs SIR, SIS, independent-cascade or
linear-threshold spreading many times from seed nodes; seed chooses the k nodes
that spread furthest (CELF greedy, degree, PageRank, random); fit estimates R0
from an outbreak's daily incidence.

Graphs are node-link JSON files like miserables.json (nodes with a name, links
with source, target and value) or edge lists ("a b [weight]" per line, # comments).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newNetworkSimulateCmd(), newNetworkSeedCmd(), newNetworkFitCmd())
	return cmd
}

// networkModel are the flags that choose and parameterise a spreading model.
type networkModel struct {
	graph, model      string
	directed, weights bool
	beta, gamma, p    float64
}

func (m *networkModel) add(cmd *cobra.Command, models string) {
	cmd.Flags().StringVar(&m.graph, "graph", "", "graph file: node-link JSON (.json) or an edge list")
	cmd.Flags().BoolVar(&m.directed, "directed", false, "read edges as directed (source → target)")
	cmd.Flags().StringVar(&m.model, "model", "ic", "spreading model: "+models)
	cmd.Flags().Float64Var(&m.beta, "beta", 0.1, "SIR/SIS: infection probability per contact per step")
	cmd.Flags().Float64Var(&m.gamma, "gamma", 0.2, "SIR/SIS: recovery probability per step")
	cmd.Flags().Float64Var(&m.p, "p", 0.1, "IC: activation probability per edge")
	cmd.Flags().BoolVar(&m.weights, "weighted", false, "IC: an edge of weight w fires with 1 − (1 − p)^w")
}

// build checks the flags and returns the model and the graph.
func (m *networkModel) build(liveEdge bool) (network.Model, *network.Graph, error) {
	if m.graph == "" {
		return nil, nil, usagef("--graph is required")
	}
	mod, err := network.ModelSpec{Name: m.model, Beta: m.beta, Gamma: m.gamma, P: m.p, Weighted: m.weights}.Model()
	var unknown *network.UnknownModelError
	switch {
	case errors.As(err, &unknown) && liveEdge:
		return nil, nil, usagef("--model: want ic or lt, got %q", m.model)
	case err != nil:
		return nil, nil, usagef("--%s", err)
	}
	if _, ok := mod.(network.LiveEdge); liveEdge && !ok {
		return nil, nil, usagef("--model: want ic or lt (models with a live-edge form), got %q", m.model)
	}
	g, err := network.ReadGraph(m.graph, m.directed)
	if err != nil {
		return nil, nil, err
	}
	return mod, g, nil
}

// describe is a one-line summary of a graph.
func describe(path string, g *network.Graph) string {
	edges := g.Arcs()
	kind := "directed arcs"
	if !g.Directed {
		edges /= 2
		kind = "edges"
	}
	return fmt.Sprintf("%s: %d nodes, %d %s", filepath.Base(path), g.N(), edges, kind)
}

func newNetworkSimulateCmd() *cobra.Command {
	var m networkModel
	var seeds, plotPath string
	var runs, steps int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Run a spreading model many times and report the mean final size",
		Long: `simulate runs the model --runs times from the --seeds nodes (names or ids,
comma-separated) and prints the mean final size with its standard error: for SIR
the number ever infected, for SIS the number infected after --steps steps, for
IC and LT the number activated. Run r draws from its own stream of --seed, so
results do not depend on the number of cores. --plot writes the mean curve
(infected for SIR/SIS, active so far for IC/LT) as a PNG.`,
		Example: `  diffuse network simulate --graph miserables.json --model sir --seeds Valjean --beta 0.1 --gamma 0.2 --runs 1000
  diffuse network simulate --graph edges.txt --model ic --p 0.2 --seeds a,b --plot ic.png`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runs < 1 {
				return usagef("--runs: want ≥ 1, got %d", runs)
			}
			if steps < 0 {
				return usagef("--steps: want ≥ 0, got %d", steps)
			}
			if seeds == "" {
				return usagef("--seeds is required (node names or ids, comma-separated)")
			}
			mod, g, err := m.build(false)
			if err != nil {
				return err
			}
			if _, cascade := mod.(network.LiveEdge); !cascade && steps == 0 {
				return usagef("--steps: SIR and SIS need ≥ 1 step")
			}
			ids, err := g.Resolve(splitList(seeds))
			if err != nil {
				return fmt.Errorf("--seeds in %s: %w", m.graph, err)
			}
			// Ctrl-C stops the runs and reports how many were done.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			s, err := network.MonteCarloContext(ctx, g, mod, ids, steps, runs, seed, nil)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s; %v from %s; %d runs, seed %d\n", describe(m.graph, g), mod, strings.Join(g.NamesOf(ids), ", "), runs, seed)
			what := network.FinalSize(mod, steps)
			fmt.Fprintf(w, "mean %s: %.2f ± %.2f of %d nodes\n", what, s.Mean, s.SE, g.N())
			if plotPath != "" {
				img, err := network.SpreadPlot(s, mod, filepath.Base(m.graph))
				if err != nil {
					return err
				}
				if err := pngout.WriteFile(plotPath, img, map[string]string{"Software": "diffuse network simulate", "Model": mod.String()}); err != nil {
					return err
				}
				fmt.Fprintf(w, "wrote %s\n", plotPath)
			}
			return nil
		},
	}
	m.add(cmd, "sir, sis, ic or lt")
	cmd.Flags().StringVar(&seeds, "seeds", "", "initially infected/active nodes: names or ids, comma-separated")
	cmd.Flags().IntVar(&runs, "runs", 1000, "number of runs")
	cmd.Flags().IntVar(&steps, "steps", 100, "SIR/SIS: steps to simulate; IC/LT: at most this many rounds (0: until nothing changes)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed")
	cmd.Flags().StringVar(&plotPath, "plot", "", "write the mean curve to this PNG")
	return cmd
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// seedMethods are the seed-selection methods of `network seed`, in table order.
var seedMethods = []string{"celf", "greedy", "degree", "pagerank", "random"}

func newNetworkSeedCmd() *cobra.Command {
	var m networkModel
	var methods string
	var k, worlds, runs int
	var seed uint64
	var eachK bool
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Choose the k seed nodes that spread furthest (influence maximisation)",
		Long: `seed chooses k seed nodes for the independent cascade or linear threshold model
and prints them by name with their expected spread.

celf and greedy maximise the spread estimated on --worlds live-edge worlds
drawn from --seed (Kempe, Kleinberg & Tardos 2003; CELF is the lazy evaluation
of Leskovec et al. 2007 and picks the same nodes); degree and pagerank take the
k highest-scoring nodes (PageRank: damping 0.85); random draws k nodes. Every
seed set is then scored on --runs fresh simulations (stream --seed + 1), not on
the worlds used to choose it: mean spread ± standard error.

--method takes a comma-separated list or all; --each-k prints every k from 1
to --k.`,
		Example: `  diffuse network seed --graph miserables.json --k 3 --model ic --p 0.1
  diffuse network seed --graph miserables.json --k 5 --method all --each-k --runs 10000`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if k < 1 || worlds < 1 || runs < 1 {
				return usagef("--k, --worlds, --runs: want ≥ 1, got %d, %d, %d", k, worlds, runs)
			}
			list := splitList(strings.ToLower(methods))
			if len(list) == 1 && list[0] == "all" {
				list = []string{"celf", "degree", "pagerank", "random"}
			}
			if len(list) == 0 {
				return usagef("--method: want one or more of %s, or all", strings.Join(seedMethods, ", "))
			}
			for _, meth := range list {
				if !contains(seedMethods, meth) {
					return usagef("--method: want one or more of %s, or all; got %q", strings.Join(seedMethods, ", "), meth)
				}
			}
			mod, g, err := m.build(true)
			if err != nil {
				return err
			}
			if k > g.N() {
				return fmt.Errorf("--k %d: want at most %d, the number of nodes in %s", k, g.N(), m.graph)
			}
			live := mod.(network.LiveEdge)
			var ws *network.Worlds
			if contains(list, "celf") || contains(list, "greedy") {
				if ws, err = network.SampleWorlds(g, live, worlds, seed); err != nil {
					return err
				}
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s; %v; selection on %d worlds (seed %d), spread on %d fresh runs (seed %d)\n",
				describe(m.graph, g), mod, worlds, seed, runs, seed+1)
			fmt.Fprintln(w, "| method | k | seeds | expected spread ± se |")
			fmt.Fprintln(w, "|---|---:|---|---:|")
			ks := []int{k}
			if eachK {
				ks = ks[:0]
				for i := 1; i <= k; i++ {
					ks = append(ks, i)
				}
			}
			pr := network.PageRank(g, 0.85, 1e-12, 1000)
			evals := ""
			for _, meth := range list {
				for _, kk := range ks {
					var ids []int
					var err error
					switch meth {
					case "celf", "greedy":
						var sel network.Selection
						if meth == "celf" {
							sel, err = network.CELF(ws, kk)
						} else {
							sel, err = network.Greedy(ws, kk)
						}
						ids = sel.Seeds
						if kk == k && meth == "celf" {
							evals += fmt.Sprintf("celf evaluated %d marginal gains for k = %d (plain greedy: %d)\n", sel.Evaluations, k, k*(2*g.N()-k+1)/2)
						}
					case "degree":
						ids, err = network.TopK(network.Degrees(g), kk)
					case "pagerank":
						ids, err = network.TopK(pr, kk)
					case "random":
						ids, err = network.RandomSeeds(g, kk, tensor.NewRNG(seed).Split(uint64(1<<32+kk)))
					}
					if err != nil {
						return err
					}
					s, err := network.MonteCarlo(g, mod, ids, 0, runs, seed+1)
					if err != nil {
						return err
					}
					fmt.Fprintf(w, "| %s | %d | %s | %.2f ± %.2f |\n", meth, kk, strings.Join(g.NamesOf(ids), ", "), s.Mean, s.SE)
				}
			}
			fmt.Fprint(w, evals)
			return nil
		},
	}
	m.add(cmd, "ic or lt")
	cmd.Flags().IntVar(&k, "k", 3, "number of seed nodes")
	cmd.Flags().StringVar(&methods, "method", "celf", "celf, greedy, degree, pagerank, random (comma-separated) or all")
	cmd.Flags().IntVar(&worlds, "worlds", 1000, "live-edge worlds on which celf and greedy choose")
	cmd.Flags().IntVar(&runs, "runs", 10000, "fresh simulations that score each seed set")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed")
	cmd.Flags().BoolVar(&eachK, "each-k", false, "print every k from 1 to --k")
	return cmd
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func newNetworkFitCmd() *cobra.Command {
	var data, column, likelihood, plotPath string
	var period, population float64
	var early int
	cmd := &cobra.Command{
		Use:   "fit",
		Short: "Fit an SIR model to an outbreak's daily incidence: R0 with a 95% interval",
		Long: `fit reads daily incidence (a CSV file with a header line, one row per day) and
fits a deterministic discrete-time SIR model by maximum likelihood (negative
binomial by default, or Poisson): R0, the initial infecteds I0, and, unless
fixed, the mean infectious period D (which is also the model's mean generation
time, so set --period to the serial interval to make R0 identifiable) and the
effective population N. R0's 95% interval is the profile-likelihood interval.

For comparison it fits exponential growth, log μ = a + r·t, to the early phase
(from the first case to a quarter of the peak of the trailing 7-day mean, or
--early days) by Poisson regression, and converts r to R0 = 1 + (e^r − 1)·D
with the SIR fit's D. Deviances: the SIR fit's over all days under its
likelihood, and both fits' Poisson deviance over the early window.`,
		Example: `  diffuse network fit --data network/data/flu1918.csv --period 2.6
  diffuse network fit --data cases.csv --column cases --likelihood poisson --plot fit.png`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if data == "" {
				return usagef("--data is required")
			}
			if likelihood != network.Poisson && likelihood != network.NegBin {
				return usagef("--likelihood: want poisson or negbin, got %q", likelihood)
			}
			if period != 0 && !(period >= 1) {
				return usagef("--period: want ≥ 1 day (or 0 to fit it), got %v", period)
			}
			if population < 0 || early < 0 {
				return usagef("--population, --early: want ≥ 0 (0: automatic)")
			}
			y, err := network.ReadIncidence(data, column)
			if err != nil {
				return err
			}
			fit, err := network.FitSIR(y, network.FitOptions{Likelihood: likelihood, N: population, D: period})
			if err != nil {
				return fmt.Errorf("%s: %w", data, err)
			}
			g, err := network.FitGrowth(y, early, fit.D)
			if err != nil {
				return fmt.Errorf("%s: %w", data, err)
			}
			fit.EarlyDevianceOver(y, g)
			w := cmd.OutOrStdout()
			writeFit(w, data, y, fit, g, period, population)
			if plotPath != "" {
				obs := network.Curve{Name: "observed", Ys: y}
				sir := network.Curve{Name: fmt.Sprintf("SIR fit, R0 %.2f", fit.R0), Ys: fit.Fitted, Line: true, Color: color.RGBA{31, 119, 180, 255}}
				gr := make([]float64, len(y))
				for t := range gr {
					gr[t] = math.NaN()
					if t+1 >= g.First && t+1 <= g.Last {
						gr[t] = math.Exp(g.A + g.R*float64(t+1-g.First))
					}
				}
				grs := network.Curve{Name: fmt.Sprintf("growth r %.3f/day", g.R), Ys: gr, Line: true, Color: color.RGBA{214, 39, 40, 255}}
				img, err := network.Plot(filepath.Base(data), "day", "incidence", obs, sir, grs)
				if err != nil {
					return err
				}
				if err := pngout.WriteFile(plotPath, img, map[string]string{"Software": "diffuse network fit", "Data": data}); err != nil {
					return err
				}
				fmt.Fprintf(w, "wrote %s\n", plotPath)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", "", "daily incidence: CSV with a header line, one row per day")
	cmd.Flags().StringVar(&column, "column", "", `the counts' column (default "incidence", else the last column)`)
	cmd.Flags().StringVar(&likelihood, "likelihood", network.NegBin, "negbin or poisson")
	cmd.Flags().Float64Var(&period, "period", 0, "mean infectious period = mean generation time D in days, e.g. the serial interval (0: fitted)")
	cmd.Flags().Float64Var(&population, "population", 0, "population size N (0: fitted as the effective susceptible population)")
	cmd.Flags().IntVar(&early, "early", 0, "days of early growth from the first case (0: automatic)")
	cmd.Flags().StringVar(&plotPath, "plot", "", "write observed vs fitted incidence to this PNG")
	return cmd
}

// writeFit prints the two fits.
func writeFit(w io.Writer, data string, y []float64, fit *network.SIRFit, g *network.GrowthFit, period, population float64) {
	cases := 0.0
	for _, v := range y {
		cases += v
	}
	fixed := func(v float64, what string) string {
		if v > 0 {
			return what + " fixed"
		}
		return what + " fitted"
	}
	fmt.Fprintf(w, "%s: %d days, %.0f cases\n", filepath.Base(data), len(y), cases)
	k := ""
	if fit.Likelihood == network.NegBin {
		k = fmt.Sprintf(", k %.3g", fit.K)
	}
	fmt.Fprintf(w, "SIR (%s; %s, %s): R0 %.3f (95%% profile interval %s–%s), D %.2f days, N %.0f, I0 %.2f%s\n",
		fit.Likelihood, fixed(period, "D"), fixed(population, "N"), fit.R0, bound(fit.R0Lo), bound(fit.R0Hi), fit.D, fit.N, fit.I0, k)
	fmt.Fprintf(w, "  deviance %.1f over %d days (%d parameters); Poisson deviance over days %d–%d: %.1f\n",
		fit.Deviance, len(y), fit.Params, g.First, g.Last, fit.EarlyDeviance)
	if period == 0 && fit.D > float64(len(y)) {
		fmt.Fprintf(w, "  warning: the fitted D (%.3g days) exceeds the %d-day record: R0 and D are not identifiable from this curve; fix D with --period (e.g. the serial interval)\n", fit.D, len(y))
	}
	fmt.Fprintf(w, "early growth (days %d–%d, Poisson log-linear): r %.4f/day (95%% %.4f–%.4f), doubling %.2f days, dispersion %.2f\n",
		g.First, g.Last, g.R, g.RLo, g.RHi, g.Doubling, g.Dispersion)
	fmt.Fprintf(w, "  R0 = 1 + (e^r − 1)·D = %.3f (95%% %.3f–%.3f) with D %.2f; Poisson deviance %.1f over %d days\n",
		g.R0, g.R0Lo, g.R0Hi, g.D, g.Deviance, g.Last-g.First+1)
}

// bound formats an interval end, 0 or ∞ when unbounded.
func bound(v float64) string {
	if math.IsInf(v, 1) {
		return "∞"
	}
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%.3f", v)
}
