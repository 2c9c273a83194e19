// Package network is diffusion in its other sense: how a disease, a
// technology or a rumour spreads through a network of contacts. It has
// nothing to do with the denoising diffusion models of the rest of
// diffusego; it shares the word, the seeded randomness (tensor.RNG) and the
// worker pool (internal/parallel).
//
// The package follows the models of NDlib (Rossetti et al. 2018) and EoN
// (Miller & Ting 2019, "Epidemics on Networks"):
//
//   - graphs: ReadGraph reads the node-link JSON of miserables.json
//     (vega-datasets) or a plain edge list "a b [weight]", directed or not;
//     nodes are numbered 0…N−1 and keep their names;
//   - processes (Model): discrete-time SIR and SIS with infection probability
//     β per contact per step and recovery probability γ; the independent
//     cascade (IC) with a probability per edge, or one derived from its
//     weight; the linear threshold model (LT) with uniform random thresholds
//     and weights normalised per node;
//   - MonteCarlo runs a model many times in parallel; run r draws from its
//     own stream RunRNG(seed, r), so results do not depend on the number of
//     workers;
//   - influence maximisation: Worlds samples live-edge graphs, on which the
//     spread σ(S) of a seed set is a mean reach; Greedy is the (1 − 1/e)
//     algorithm of Kempe, Kleinberg & Tardos (2003, "Maximizing the spread
//     of influence through a social network"), CELF its lazy evaluation by
//     Leskovec et al. (2007, "Cost-effective outbreak detection in
//     networks"); the heuristics are highest degree, PageRank and random;
//   - epidemic fitting: FitSIR fits a deterministic discrete-time SIR model
//     to a daily incidence curve by maximum likelihood (Poisson or negative
//     binomial) with a profile-likelihood interval for R0, and FitGrowth the
//     early exponential growth rate, for comparison.
//
// Units: one step of SIR/SIS is one day (or whatever the time unit of β
// and γ is); one step of IC/LT is one round of activations. Spreads and
// final sizes count nodes, seeds included.
//
// Example:
//
//	g, err := network.ReadGraph("miserables.json", false)
//	ws, err := network.SampleWorlds(g, network.IC{P: 0.1}, 1000, 1)
//	sel, err := network.CELF(ws, 3)                 // sel.Seeds: the chosen node ids
//	s, err := network.MonteCarlo(g, network.IC{P: 0.1}, sel.Seeds, 0, 10000, 2)
//	fmt.Printf("%.2f ± %.2f\n", s.Mean, s.SE)       // on fresh runs
package network
