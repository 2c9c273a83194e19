package perception

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/diffusego/diffusego/tensor"
)

// Trial is one answer of one rater in a "real or generated?" study (HYPE∞,
// Zhou et al. 2019): the rater saw Item, which is a generated image when
// Generated is true and a real one otherwise, and answered "generated" when
// AnsweredGenerated is true. Gold marks an attention check (an item whose
// answer is obvious); Practice marks a trial shown with feedback before the
// study, which is never scored. Millis is the answer time in milliseconds.
type Trial struct {
	Rater             string
	Item              string
	Generated         bool
	AnsweredGenerated bool
	Gold              bool
	Practice          bool
	Millis            int
}

// Options sets the drop rules and the bootstrap of Summarize and
// BradleyTerry.
type Options struct {
	// MinMillis drops a rater whose median answer time, over the rater's
	// gold and scored trials, is below it (answering without looking).
	// 0 keeps every rater however fast.
	MinMillis int
	// MaxGoldErrors drops a rater who got more gold (attention-check)
	// trials wrong than this.
	MaxGoldErrors int
	// Level is the coverage of the bootstrap intervals, in (0, 1): 0.95
	// for 95% intervals.
	Level float64
	// Resamples is the number of bootstrap resamples (≥ 1; 1000 or more
	// for intervals whose ends are stable to a few tenths of a percent).
	Resamples int
	// Seed seeds the bootstrap (tensor.RNG): the same trials and options
	// give the same report, bit for bit.
	Seed uint64
}

// DefaultOptions returns the options of diffusego's rating studies: raters
// whose median answer takes under 500 ms or who miss more than one gold
// check are dropped, and intervals are 95% from 2000 bootstrap resamples
// with seed 1.
func DefaultOptions() Options {
	return Options{MinMillis: 500, MaxGoldErrors: 1, Level: 0.95, Resamples: 2000, Seed: 1}
}

func (o Options) check() error {
	switch {
	case o.MinMillis < 0:
		return fmt.Errorf("perception: options: field \"MinMillis\": want ≥ 0 milliseconds, got %d", o.MinMillis)
	case o.MaxGoldErrors < 0:
		return fmt.Errorf("perception: options: field \"MaxGoldErrors\": want ≥ 0, got %d", o.MaxGoldErrors)
	case !(o.Level > 0 && o.Level < 1):
		return fmt.Errorf("perception: options: field \"Level\": want a coverage in (0, 1) such as 0.95, got %v", o.Level)
	case o.Resamples < 1:
		return fmt.Errorf("perception: options: field \"Resamples\": want ≥ 1 bootstrap resamples, got %d", o.Resamples)
	}
	return nil
}

// Estimate is a proportion with its bootstrap percentile interval [Lo, Hi]
// at the report's Level. Count answers of N were counted (wrong answers for
// an error rate, "real" answers on generated images for a fool rate).
type Estimate struct {
	Value  float64
	Lo, Hi float64
	Count  int
	N      int
}

// Dropped is a rater left out of a report, with the reasons.
type Dropped struct {
	Rater string
	// Reason says why in words, e.g. "failed 2 of 5 gold checks (at most
	// 1 allowed)"; several reasons are joined by "; ".
	Reason       string
	FailedGold   bool    // more than MaxGoldErrors gold trials wrong
	TooFast      bool    // median answer time below MinMillis
	NoScored     bool    // no scored trial (only practice or gold)
	GoldErrors   int     // gold trials answered wrongly
	GoldTrials   int     // gold trials answered
	MedianMillis float64 // median answer time over gold and scored trials (0 without any)
}

// Report is the outcome of a "real or generated?" study.
type Report struct {
	// ErrorRate is the share of scored answers that are wrong, pooled over
	// the kept raters: HYPE∞. 0.5 means people cannot tell the generated
	// images from real ones; 0 means they always can.
	ErrorRate Estimate
	// FoolRate is the share of generated images judged real.
	FoolRate Estimate
	// RealErrorRate is the share of real images judged generated.
	RealErrorRate Estimate
	Raters        int // raters kept
	Trials        int // scored trials of the kept raters (not practice, not gold)
	Real          int // scored trials showing a real image
	Generated     int // scored trials showing a generated image
	// Dropped lists the raters left out, sorted by rater.
	Dropped   []Dropped
	Level     float64 // coverage of the intervals
	Resamples int     // bootstrap resamples behind the intervals
}

// ErrTooFew is returned, with a Report that still holds the counts and the
// dropped raters, when the kept raters' scored trials cannot give a rate:
// no rater kept, or no scored real or no scored generated image.
var ErrTooFew = errors.New("too few scored trials")

// raterCounts holds what the statistics of one kept rater depend on: the
// number of generated and real scored trials and how many of each were
// answered wrongly.
type raterCounts struct {
	nGen, wrongGen   int
	nReal, wrongReal int
}

// Summarize scores a "real or generated?" study. Practice trials are never
// scored. A rater is dropped who got more than opts.MaxGoldErrors gold
// trials wrong, whose median answer time (gold and scored trials) is below
// opts.MinMillis, or who has no scored trial (as a rater who stopped after
// the practice). The rates are pooled over the kept raters' scored trials,
// and their intervals come from a two-stage bootstrap: resample the raters
// with replacement, then each drawn rater's trials with replacement (the
// real and the generated ones apart, as the design fixed how many of each
// a rater sees); see the package doc.
//
// The report does not depend on the order of trials. Bad trials (no rater,
// a negative time) and bad options are errors naming the trial and field;
// when no rate can be computed the error wraps ErrTooFew and the report
// still holds the counts and dropped raters.
func Summarize(trials []Trial, opts Options) (Report, error) {
	if err := opts.check(); err != nil {
		return Report{}, err
	}
	if len(trials) == 0 {
		return Report{}, errors.New("perception: no trials")
	}
	byRater := map[string][]Trial{}
	for i, t := range trials {
		if t.Rater == "" {
			return Report{}, fmt.Errorf("perception: trial %d (item %q): field \"Rater\": want a rater id, got \"\"", i, t.Item)
		}
		if t.Millis < 0 {
			return Report{}, fmt.Errorf("perception: trial %d (rater %q, item %q): field \"Millis\": want an answer time ≥ 0, got %d", i, t.Rater, t.Item, t.Millis)
		}
		if t.Practice { // never scored, but the rater is listed
			if _, ok := byRater[t.Rater]; !ok {
				byRater[t.Rater] = nil
			}
			continue
		}
		byRater[t.Rater] = append(byRater[t.Rater], t)
	}
	names := make([]string, 0, len(byRater))
	for r := range byRater {
		names = append(names, r)
	}
	sort.Strings(names)

	rep := Report{Level: opts.Level, Resamples: opts.Resamples}
	var kept []raterCounts
	for _, r := range names {
		var c raterCounts
		d := Dropped{Rater: r}
		millis := make([]float64, 0, len(byRater[r]))
		for _, t := range byRater[r] {
			millis = append(millis, float64(t.Millis))
			wrong := t.AnsweredGenerated != t.Generated
			switch {
			case t.Gold:
				d.GoldTrials++
				if wrong {
					d.GoldErrors++
				}
			case t.Generated:
				c.nGen++
				if wrong {
					c.wrongGen++
				}
			default:
				c.nReal++
				if wrong {
					c.wrongReal++
				}
			}
		}
		d.MedianMillis = median(millis)
		var why []string
		if d.GoldErrors > opts.MaxGoldErrors {
			d.FailedGold = true
			why = append(why, fmt.Sprintf("failed %d of %d gold checks (at most %d allowed)", d.GoldErrors, d.GoldTrials, opts.MaxGoldErrors))
		}
		if len(millis) > 0 && d.MedianMillis < float64(opts.MinMillis) {
			d.TooFast = true
			why = append(why, fmt.Sprintf("median answer time %.0f ms below %d ms", d.MedianMillis, opts.MinMillis))
		}
		if c.nGen+c.nReal == 0 {
			d.NoScored = true
			why = append(why, "no scored trials")
		}
		if len(why) > 0 {
			d.Reason = strings.Join(why, "; ")
			rep.Dropped = append(rep.Dropped, d)
			continue
		}
		kept = append(kept, c)
		rep.Generated += c.nGen
		rep.Real += c.nReal
	}
	rep.Raters = len(kept)
	rep.Trials = rep.Generated + rep.Real
	switch {
	case rep.Raters == 0:
		return rep, fmt.Errorf("perception: all %d raters dropped: %w", len(rep.Dropped), ErrTooFew)
	case rep.Generated == 0:
		return rep, fmt.Errorf("perception: no scored trial shows a generated image: %w", ErrTooFew)
	case rep.Real == 0:
		return rep, fmt.Errorf("perception: no scored trial shows a real image: %w", ErrTooFew)
	}

	var total raterCounts
	for _, c := range kept {
		total.add(c)
	}
	rep.ErrorRate = Estimate{Count: total.wrongGen + total.wrongReal, N: rep.Trials}
	rep.FoolRate = Estimate{Count: total.wrongGen, N: total.nGen}
	rep.RealErrorRate = Estimate{Count: total.wrongReal, N: total.nReal}

	errs, fools, reals := bootstrapRates(kept, opts)
	for _, s := range []struct {
		e    *Estimate
		reps []float64
	}{{&rep.ErrorRate, errs}, {&rep.FoolRate, fools}, {&rep.RealErrorRate, reals}} {
		s.e.Value = float64(s.e.Count) / float64(s.e.N)
		s.e.Lo, s.e.Hi = percentileInterval(s.reps, opts.Level)
		if len(s.reps) == 0 { // no resample drew such a trial: no information
			s.e.Lo, s.e.Hi = 0, 1
		}
	}
	return rep, nil
}

func (c *raterCounts) add(o raterCounts) {
	c.nGen += o.nGen
	c.wrongGen += o.wrongGen
	c.nReal += o.nReal
	c.wrongReal += o.wrongReal
}

// bootstrapRates returns the error, fool and real-error rates of
// opts.Resamples two-stage resamples of kept, each rate from its own
// stream split from opts.Seed. A resample whose drawn raters saw no
// generated (or no real) image gives no fool (real-error) rate, so those
// lists may be shorter.
func bootstrapRates(kept []raterCounts, opts Options) (errs, fools, reals []float64) {
	gen := stratum{n: make([]int, len(kept)), w: make([]int, len(kept))}
	real := stratum{n: make([]int, len(kept)), w: make([]int, len(kept))}
	for i, c := range kept {
		gen.n[i], gen.w[i], real.n[i], real.w[i] = c.nGen, c.wrongGen, c.nReal, c.wrongReal
	}
	rng := tensor.NewRNG(opts.Seed)
	errs = bootstrapShare([]stratum{gen, real}, opts.Resamples, rng.Split(0))
	fools = bootstrapShare([]stratum{gen}, opts.Resamples, rng.Split(1))
	reals = bootstrapShare([]stratum{real}, opts.Resamples, rng.Split(2))
	return errs, fools, reals
}

// stratum holds one kind of trial (real or generated images) of every kept
// rater: rater r answered n[r] such trials, w[r] of them wrongly.
type stratum struct{ n, w []int }

// bootstrapShare returns the share Σw/Σn over the given strata in each of
// resamples two-stage resamples: draw as many raters as there are, with
// replacement; then for each drawn rater, resample the trials of each
// stratum with replacement. A share with no trial is left out.
//
// The share depends on a rater's trials only through the counts of wrong
// answers, so resampling n trials with replacement is drawing the wrong
// ones from a binomial Bin(n, p), done by inverting its CDF with one
// uniform number. Were p the rater's own share of wrong answers p̂, the
// two stages would count the trial-to-trial noise twice, since the spread
// of the raters' p̂ already holds it (Davison & Hinkley 1997, §3.8: with
// raters alike, 95% intervals then cover the truth 99% of the time). So p
// is shrunk towards the pooled share of its stratum, p̄ + c·(p̂ − p̄)
// clipped to [0, 1], with one c for all strata.
//
// c is set by the variance of the total count of wrong answers of a
// resample. Let e[r] = Σ_s n d over strata, with d = p̂ − p̄ (the rater's
// excess of wrong answers), A = Σ_r e², D = Σ_r Σ_s n d² and P = Σ_s p̄(1 −
// p̄)Σn. Rater draws contribute c²A and trial draws P − c²D, and c makes the
// total c²(A − D) + P equal R/(R − 1)·A, the unbiased estimate of that
// variance from the R raters' counts alone. When the raters agree more
// closely than binomial noise allows, c = 0 and every rater is drawn at
// p̄. TestCoverage and cmd/coverage measure the intervals' coverage.
func bootstrapShare(strata []stratum, resamples int, rng *tensor.RNG) []float64 {
	raters := len(strata[0].n)
	pBar := make([]float64, len(strata))
	var a, d, p float64
	e := make([]float64, raters)
	for s, st := range strata {
		var sumN, sumW float64
		for r := range raters {
			sumN += float64(st.n[r])
			sumW += float64(st.w[r])
		}
		if sumN > 0 {
			pBar[s] = sumW / sumN
		}
		p += pBar[s] * (1 - pBar[s]) * sumN
		for r := range raters {
			nr := float64(st.n[r])
			dr := float64(st.w[r]) - pBar[s]*nr // n·d
			e[r] += dr
			if nr > 0 {
				d += dr * dr / nr
			}
		}
	}
	for _, er := range e {
		a += er * er
	}
	c := 0.0
	if rr := float64(raters); rr > 1 && a > d {
		if c2 := (rr/(rr-1)*a - p) / (a - d); c2 > 0 {
			c = math.Sqrt(c2)
		}
	}
	cdfs := make([][]binomialCDF, len(strata)) // [stratum][rater]
	for s, st := range strata {
		cdfs[s] = make([]binomialCDF, raters)
		for r := range raters {
			pr := pBar[s]
			if st.n[r] > 0 {
				pr += c * (float64(st.w[r])/float64(st.n[r]) - pBar[s])
			}
			cdfs[s][r] = newBinomialCDF(st.n[r], min(max(pr, 0), 1))
		}
	}
	shares := make([]float64, 0, resamples)
	for range resamples {
		n, w := 0, 0
		for range raters {
			r := rng.Intn(raters) // stage 1: a rater
			for s, st := range strata {
				n += st.n[r]
				w += cdfs[s][r].draw(rng) // stage 2: that rater's trials
			}
		}
		if n > 0 {
			shares = append(shares, float64(w)/float64(n))
		}
	}
	return shares
}

// binomialCDF is the CDF of a binomial distribution: entry j is P(X ≤ j).
// A single entry holds a constant instead (see draw).
type binomialCDF []float64

// newBinomialCDF returns the CDF of Bin(n, p).
func newBinomialCDF(n int, p float64) binomialCDF {
	switch {
	case n == 0 || p <= 0:
		return binomialCDF{0}
	case p >= 1:
		return binomialCDF{float64(n)}
	}
	cdf := make([]float64, n+1)
	sum := 0.0
	for j := 0; j <= n; j++ {
		lg := lchoose(n, j) + float64(j)*math.Log(p) + float64(n-j)*math.Log1p(-p)
		sum += math.Exp(lg)
		cdf[j] = sum
	}
	for j := range cdf {
		cdf[j] /= sum
	}
	return cdf
}

// draw returns a draw from the binomial: the first j with u < CDF(j).
func (c binomialCDF) draw(rng *tensor.RNG) int {
	if len(c) == 1 {
		return int(c[0])
	}
	u := rng.Uniform()
	j, _ := slices.BinarySearch(c, u)
	for j < len(c)-1 && c[j] <= u {
		j++
	}
	return j
}

func lchoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// median returns the median of x (the mean of the two middle values when
// len(x) is even), or 0 for no values. x is reordered.
func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	sort.Float64s(x)
	m := len(x) / 2
	if len(x)%2 == 1 {
		return x[m]
	}
	return (x[m-1] + x[m]) / 2
}

// percentileInterval returns the (1−level)/2 and (1+level)/2 quantiles of
// reps (linear interpolation between order statistics, R's type 7), the
// bootstrap percentile interval. reps is sorted in place; with no
// resamples both ends are NaN.
func percentileInterval(reps []float64, level float64) (lo, hi float64) {
	sort.Float64s(reps)
	return quantile(reps, (1-level)/2), quantile(reps, (1+level)/2)
}

func quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	h := q * float64(n-1)
	i := int(math.Floor(h))
	if i >= n-1 {
		return sorted[n-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}
