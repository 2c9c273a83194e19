package schedule

import (
	"math"
	"testing"
)

func TestKarrasSigmas(t *testing.T) {
	const n, lo, hi, rho = 18, 0.002, 80.0, 7.0
	s := KarrasSigmas(n, lo, hi, rho)
	if len(s) != n+1 {
		t.Fatalf("len(KarrasSigmas(%d, …)) = %d, want %d", n, len(s), n+1)
	}
	if s[0] != hi || s[n-1] != lo || s[n] != 0 {
		t.Errorf("KarrasSigmas ends = %g, %g, %g; want %g, %g, 0", s[0], s[n-1], s[n], hi, lo)
	}
	i := 9
	want := math.Pow(math.Pow(hi, 1/rho)+float64(i)/float64(n-1)*(math.Pow(lo, 1/rho)-math.Pow(hi, 1/rho)), rho)
	if !near(s[i], want, 1e-14) {
		t.Errorf("KarrasSigmas[%d] = %.15g, want eq. 5 = %.15g", i, s[i], want)
	}
	for i := 1; i <= n; i++ {
		if s[i] >= s[i-1] {
			t.Errorf("KarrasSigmas[%d] = %g ≥ [%d] = %g, want descending", i, s[i], i-1, s[i-1])
		}
	}
	if got := KarrasSigmas(1, lo, hi, rho); len(got) != 2 || got[0] != hi || got[1] != 0 {
		t.Errorf("KarrasSigmas(1, …) = %v, want [%g 0]", got, hi)
	}
	if got := KarrasSigmas(0, lo, hi, rho); got != nil {
		t.Errorf("KarrasSigmas(0, …) = %v, want nil", got)
	}
}
