// Package perception scores human perception studies of generated images:
// "real or generated?" studies in the protocol of HYPE∞ (Zhou et al. 2019,
// "HYPE: A Benchmark for Human eYe Perceptual Evaluation of Generative
// Models", NeurIPS), and pairwise preferences between models or settings
// scored by a Bradley–Terry fit (Bradley & Terry 1952, fitted with the MM
// algorithm of Hunter 2004, "MM algorithms for generalized Bradley–Terry
// models", Annals of Statistics 32(1)).
//
// # Real or generated
//
// A rater sees one image at a time, real and generated ones shuffled, and
// answers "real" or "generated" (a Trial). Practice trials, shown with
// feedback first, are never scored; gold trials are attention checks. A
// rater who gets more than MaxGoldErrors gold trials wrong, whose median
// answer time is below MinMillis, or who has no scored trial is dropped,
// and Summarize says which and why. Over the kept raters' scored trials,
//
//	error rate      = (generated judged real + real judged generated) / trials
//	fool rate       = generated judged real / generated trials
//	real error rate = real judged generated / real trials
//
// The error rate pooled over raters is HYPE∞: 0.5 means people cannot tell
// the samples from real images (at equal numbers of each), 0 that they
// always can. A fool rate above 0.5 means generated images pass for real
// more often than not.
//
// # Intervals over raters, then trials
//
// A rate's uncertainty has two sources: which raters took part, and which
// trials each of them happened to see. Each interval is therefore a
// bootstrap percentile interval (Efron & Tibshirani 1993) over a two-stage
// resample: draw the raters with replacement, then each drawn rater's
// trials with replacement (real and generated apart, as the design fixes
// how many of each a rater sees). Done naively, the two stages count the
// trial-to-trial noise twice, because the spread of the raters' own rates
// already holds it: with raters alike, naive 95% intervals cover the truth
// in 99% of simulated studies. Following Davison & Hinkley (1997,
// "Bootstrap Methods and their Application", §3.8), the second stage draws
// each rater's trials at the rater's rate shrunk towards the pooled rate,
// by the factor that makes a resample's variance the unbiased estimate
// from the raters' counts (bootstrapShare in summarize.go). On 1000
// simulated studies per setting (cmd/coverage; 50 trials per rater, rater
// error rates alike or spread ±0.15 around 0.3), the 95% intervals of the
// error rate cover the truth in 0.942–0.961 of studies with 20 or 40
// raters, 0.926–0.956 with 10, and 0.909–0.968 with 5, the low ends when
// raters differ: with few raters a percentile interval is too narrow, as
// the spread of few clusters is. The naive two stages give 0.988–0.995
// with raters alike.
//
// # Pairwise preference
//
// A rater sees two images side by side, from items A and B (two models or
// settings), and picks the one that looks more like a real image (a Pair).
// BradleyTerry fits P(i preferred to j) = γᵢ/(γᵢ + γⱼ) by maximum
// likelihood and reports each item's log-strength log γᵢ, centred to mean
// 0, with a bootstrap interval over raters, widened for few raters (95%
// intervals covered the true log-strengths 0.939–0.948 of the time with 5,
// 10 and 20 raters in cmd/coverage); a difference of scores s is a
// preference probability 1/(1 + e^(−s)).
//
// Everything is deterministic: the same input and Options.Seed give the
// same bits, whatever the order of the trials or pairs. The CSV writers
// produce the tables of `diffuse ratings export`.
//
// Example:
//
//	rep, err := perception.Summarize(trials, perception.DefaultOptions())
//	if err != nil {
//		return err // errors.Is(err, perception.ErrTooFew): rep still lists the dropped raters
//	}
//	fmt.Printf("error rate %.1f%% [%.1f, %.1f] from %d raters, %d trials\n",
//		100*rep.ErrorRate.Value, 100*rep.ErrorRate.Lo, 100*rep.ErrorRate.Hi, rep.Raters, rep.Trials)
package perception
