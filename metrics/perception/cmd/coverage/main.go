// Command coverage measures how often the 95% bootstrap intervals of
// metrics/perception cover the truth on simulated rating studies, and
// prints a Markdown table; docs cite its output.
//
//	go run ./metrics/perception/cmd/coverage -studies 1000 -resamples 1000
//
// Each "real or generated?" study has R raters answering 50 scored trials
// (half generated images); rater r answers wrongly with probability e_r
// drawn uniformly from [0.3 − spread, 0.3 + spread], so the population's
// error and fool rates are 0.3. Beside Summarize's intervals (two stages,
// the second shrunk), the table gives two textbook bootstraps computed
// here from the same counts: raters then trials both resampled as they
// are ("naive two-stage"), and raters alone.
//
// Each Bradley–Terry study has R raters answering 40 pairs each of five
// items with log-strengths (−1.2, −0.3, 0, 0.4, 1.1); the table gives the
// share of items whose interval covers the true log-strength.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"sort"

	"github.com/diffusego/diffusego/metrics/perception"
	"github.com/diffusego/diffusego/tensor"
)

func main() {
	studies := flag.Int("studies", 1000, "simulated studies per row")
	resamples := flag.Int("resamples", 1000, "bootstrap resamples per study")
	seed := flag.Uint64("seed", 1, "seed of the simulation")
	part := flag.String("part", "all", "which table: summarize, bt or all")
	flag.Parse()
	if *studies < 1 || *resamples < 1 {
		fmt.Fprintln(os.Stderr, "coverage: -studies and -resamples must be ≥ 1")
		os.Exit(2)
	}
	if *part == "all" || *part == "summarize" {
		summarize(*studies, *resamples, *seed)
	}
	if *part == "all" || *part == "bt" {
		bradleyTerry(*studies, *resamples, *seed)
	}
}

func summarize(studies, resamples int, seed uint64) {
	const truth, trials = 0.3, 50
	fmt.Printf("Coverage of 95%% intervals, %d studies per row, %d resamples, seed %d, %d scored trials per rater.\n\n", studies, resamples, seed, trials)
	fmt.Println("| raters | spread of rater error rates | error rate: Summarize | fool rate: Summarize | error rate: naive two-stage | error rate: raters only |")
	fmt.Println("| --- | --- | --- | --- | --- | --- |")
	for _, raters := range []int{5, 10, 20, 40} {
		for _, spread := range []float64{0, 0.15} {
			rng := tensor.NewRNG(seed)
			var cErr, cFool, cNaive, cRaters int
			for s := range studies {
				trialsOf, wrong := simulate(rng, raters, trials, truth, spread)
				opts := perception.DefaultOptions()
				opts.Resamples, opts.Seed = resamples, uint64(s)
				rep, err := perception.Summarize(trialsOf, opts)
				if err != nil {
					fmt.Fprintln(os.Stderr, "coverage:", err)
					os.Exit(1)
				}
				cErr += covers(rep.ErrorRate.Lo, rep.ErrorRate.Hi, truth)
				cFool += covers(rep.FoolRate.Lo, rep.FoolRate.Hi, truth)
				brng := tensor.NewRNG(uint64(s) + 1<<32)
				lo, hi := textbook(brng, wrong, trials, resamples, true)
				cNaive += covers(lo, hi, truth)
				lo, hi = textbook(brng, wrong, trials, resamples, false)
				cRaters += covers(lo, hi, truth)
			}
			n := float64(studies)
			fmt.Printf("| %d | ±%.2f | %.3f | %.3f | %.3f | %.3f |\n", raters, spread,
				float64(cErr)/n, float64(cFool)/n, float64(cNaive)/n, float64(cRaters)/n)
		}
	}

}

func bradleyTerry(studies, resamples int, seed uint64) {
	names := []string{"a", "b", "c", "d", "e"}
	logGamma := []float64{-1.2, -0.3, 0, 0.4, 1.1}
	fmt.Printf("\nBradley–Terry, five items, 40 pairs per rater, %d studies per row, %d resamples.\n\n", studies, resamples)
	fmt.Println("| raters | items' intervals covering the true log-strength | mean degenerate resamples |")
	fmt.Println("| --- | --- | --- |")
	for _, raters := range []int{5, 10, 20} {
		rng := tensor.NewRNG(seed)
		covered, degenerate := 0, 0
		for s := range studies {
			var pairs []perception.Pair
			for r := range raters {
				for range 40 {
					a := rng.Intn(5)
					b := (a + 1 + rng.Intn(4)) % 5
					p := 1 / (1 + math.Exp(logGamma[b]-logGamma[a]))
					pairs = append(pairs, perception.Pair{Rater: fmt.Sprint(r), A: names[a], B: names[b], PreferA: rng.Uniform() < p})
				}
			}
			opts := perception.DefaultOptions()
			opts.Resamples, opts.Seed = resamples, uint64(s)
			st, err := perception.BradleyTerry(pairs, opts)
			if err != nil { // a study without a finite fit: counted as not covered
				continue
			}
			degenerate += st.Degenerate
			for _, it := range st.Items {
				covered += covers(it.Lo, it.Hi, logGamma[it.Item[0]-'a'])
			}
		}
		fmt.Printf("| %d | %.3f | %.1f |\n", raters, float64(covered)/float64(5*studies), float64(degenerate)/float64(studies))
	}
}

func covers(lo, hi, x float64) int {
	if lo <= x && x <= hi {
		return 1
	}
	return 0
}

// simulate returns a study's trials and each rater's count of wrong
// answers out of n.
func simulate(rng *tensor.RNG, raters, n int, e, spread float64) ([]perception.Trial, []int) {
	var trials []perception.Trial
	wrong := make([]int, raters)
	for r := range raters {
		er := e + spread*(2*rng.Uniform()-1)
		for k := range n {
			gen := k%2 == 0
			w := rng.Uniform() < er
			if w {
				wrong[r]++
			}
			trials = append(trials, perception.Trial{Rater: fmt.Sprint("r", r), Item: "img", Generated: gen,
				AnsweredGenerated: gen != w, Millis: 1000})
		}
	}
	return trials, wrong
}

// textbook returns the 95% percentile interval of the error rate from
// resampling raters with replacement and, when trialsToo, each drawn
// rater's n trials with replacement at the rater's own rate.
func textbook(rng *tensor.RNG, wrong []int, n, resamples int, trialsToo bool) (lo, hi float64) {
	cdfs := make([][]float64, n+1) // cdfs[k]: the CDF of Bin(n, k/n)
	for k := range cdfs {
		cdfs[k] = binomialCDF(n, float64(k)/float64(n))
	}
	reps := make([]float64, resamples)
	for b := range reps {
		w := 0
		for range wrong {
			k := wrong[rng.Intn(len(wrong))]
			if !trialsToo {
				w += k
				continue
			}
			w += drawBinomial(rng, cdfs[k])
		}
		reps[b] = float64(w) / float64(n*len(wrong))
	}
	sort.Float64s(reps)
	q := func(p float64) float64 {
		h := p * float64(len(reps)-1)
		i := int(h)
		if i >= len(reps)-1 {
			return reps[len(reps)-1]
		}
		return reps[i] + (h-float64(i))*(reps[i+1]-reps[i])
	}
	return q(0.025), q(0.975)
}

// binomialCDF returns P(X ≤ j) for j = 0…n, X ~ Bin(n, p).
func binomialCDF(n int, p float64) []float64 {
	cdf := make([]float64, n+1)
	sum := 0.0
	for j := range cdf {
		a, _ := math.Lgamma(float64(n + 1))
		b, _ := math.Lgamma(float64(j + 1))
		c, _ := math.Lgamma(float64(n - j + 1))
		pj := 0.0
		switch {
		case p == 0:
			if j == 0 {
				pj = 1
			}
		case p == 1:
			if j == n {
				pj = 1
			}
		default:
			pj = math.Exp(a - b - c + float64(j)*math.Log(p) + float64(n-j)*math.Log1p(-p))
		}
		sum += pj
		cdf[j] = sum
	}
	for j := range cdf {
		cdf[j] /= sum
	}
	return cdf
}

// drawBinomial inverts cdf with one uniform number.
func drawBinomial(rng *tensor.RNG, cdf []float64) int {
	u := rng.Uniform()
	j := sort.Search(len(cdf), func(j int) bool { return cdf[j] > u })
	return min(j, len(cdf)-1)
}
