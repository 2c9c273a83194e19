package masked

import (
	"fmt"
	"math"
	"sort"
)

// logSoftmax sets dst[k] = log softmax(logits/temp)[k], computed in float64
// with the maximum subtracted first, so that float32 logits of any size and
// temperatures near 0 neither overflow nor lose the largest entries. It
// fails on NaN or +Inf logits and on rows that are all −Inf.
func logSoftmax(dst []float64, logits []float32, temp float64) error {
	m := math.Inf(-1)
	for k, x := range logits {
		v := float64(x)
		if math.IsNaN(v) || math.IsInf(v, 1) {
			return fmt.Errorf("logit %d is %v", k, v)
		}
		m = max(m, v/temp)
	}
	if math.IsInf(m, -1) {
		return fmt.Errorf("every logit is -Inf")
	}
	sum := 0.0
	for k, x := range logits {
		dst[k] = float64(x)/temp - m
		sum += math.Exp(dst[k])
	}
	ls := math.Log(sum)
	for k := range dst {
		dst[k] -= ls
	}
	return nil
}

// categorical turns one position's logits into the distribution the
// sampler draws from: softmax(logits/T) in float64, then, for 0 < topP < 1,
// the nucleus of Holtzman et al. (2020): the smallest set of the most
// probable tokens whose cumulative probability reaches topP (ties broken
// towards the lower id), renormalised, and 0 elsewhere.
type categorical struct {
	temp, topP float64
	lp, p      []float64 // (V)
	order      []int     // (V), scratch for the nucleus
}

func newCategorical(v int, temp, topP float64) *categorical {
	return &categorical{temp: temp, topP: topP, lp: make([]float64, v), p: make([]float64, v), order: make([]int, v)}
}

// probs fills c.p from logits (V) and returns it.
func (c *categorical) probs(logits []float32) ([]float64, error) {
	if err := logSoftmax(c.lp, logits, c.temp); err != nil {
		return nil, err
	}
	for k, x := range c.lp {
		c.p[k] = math.Exp(x)
	}
	if c.topP <= 0 || c.topP >= 1 {
		return c.p, nil
	}
	for k := range c.order {
		c.order[k] = k
	}
	sort.SliceStable(c.order, func(i, j int) bool { return c.p[c.order[i]] > c.p[c.order[j]] })
	cum, n := 0.0, 0
	for n < len(c.order) && cum < c.topP {
		cum += c.p[c.order[n]]
		n++
	}
	for _, k := range c.order[n:] {
		c.p[k] = 0
	}
	for _, k := range c.order[:n] {
		c.p[k] /= cum
	}
	return c.p, nil
}

// draw returns the token whose cumulative-probability interval holds u ∈
// [0, 1): the inverse-CDF draw from p. Rounding that leaves u past the last
// interval gives the last token of positive probability.
func draw(p []float64, u float64) int {
	cum, last := 0.0, 0
	for k, pk := range p {
		if pk <= 0 {
			continue
		}
		cum += pk
		last = k
		if u < cum {
			return k
		}
	}
	return last
}
