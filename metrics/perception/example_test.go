package perception_test

import (
	"fmt"

	"github.com/diffusego/diffusego/metrics/perception"
)

// Two raters each judge 4 generated and 4 real images; one is fooled by
// 2 generated images, the other by 1 and calls a real image generated.
func ExampleSummarize() {
	var trials []perception.Trial
	add := func(rater string, generated, answeredGenerated bool, n int) {
		for range n {
			trials = append(trials, perception.Trial{Rater: rater, Item: "img", Generated: generated,
				AnsweredGenerated: answeredGenerated, Millis: 1500})
		}
	}
	add("ann", true, false, 2) // fooled
	add("ann", true, true, 2)
	add("ann", false, false, 4)
	add("bob", true, false, 1) // fooled
	add("bob", true, true, 3)
	add("bob", false, true, 1) // real judged generated
	add("bob", false, false, 3)
	rep, err := perception.Summarize(trials, perception.DefaultOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("error rate %.4f (%d of %d), fool rate %.3f (%d of %d), %d raters\n",
		rep.ErrorRate.Value, rep.ErrorRate.Count, rep.ErrorRate.N,
		rep.FoolRate.Value, rep.FoolRate.Count, rep.FoolRate.N, rep.Raters)
	// Output: error rate 0.2500 (4 of 16), fool rate 0.375 (3 of 8), 2 raters
}

// Sampler "heun" is preferred in 3 of 4 comparisons with "euler": the
// log-strengths differ by log 3.
func ExampleBradleyTerry() {
	var pairs []perception.Pair
	for i := range 8 {
		pairs = append(pairs, perception.Pair{Rater: fmt.Sprint("rater", i%2), A: "heun", B: "euler", PreferA: i%4 != 0})
	}
	s, err := perception.BradleyTerry(pairs, perception.DefaultOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range s.Items {
		fmt.Printf("%s %+.4f (won %d of %d)\n", it.Item, it.Score, it.Wins, it.Comparisons)
	}
	p, _ := s.Prob("heun", "euler")
	fmt.Printf("P(heun preferred to euler) = %.2f\n", p)
	// Output:
	// heun +0.5493 (won 6 of 8)
	// euler -0.5493 (won 2 of 8)
	// P(heun preferred to euler) = 0.75
}
