package augment

import "math"

// Interval is a mean with its 95% confidence interval over seeds.
type Interval struct {
	Mean, Lo, Hi float64
	N            int
}

// tQuantile975 holds the 0.975 quantile of Student's t with ν = 1..30
// degrees of freedom.
var tQuantile975 = [...]float64{12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
	2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
	2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042}

// MeanCI returns the mean of xs and the 95% Student-t interval
// mean ± t_{0.975, n−1}·s/√n, s the sample standard deviation (1.96 past
// 30 degrees of freedom). With one value the interval is that value.
func MeanCI(xs []float64) Interval {
	n := len(xs)
	if n == 0 {
		return Interval{Mean: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	}
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= float64(n)
	if n == 1 {
		return Interval{Mean: mean, Lo: mean, Hi: mean, N: 1}
	}
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(ss / float64(n-1))
	t := 1.96
	if n-1 <= len(tQuantile975) {
		t = tQuantile975[n-2]
	}
	half := t * sd / math.Sqrt(float64(n))
	return Interval{Mean: mean, Lo: mean - half, Hi: mean + half, N: n}
}

// Above reports whether a's interval lies wholly above b's.
func (a Interval) Above(b Interval) bool { return a.Lo > b.Hi }
