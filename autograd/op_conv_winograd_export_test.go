package autograd

import "testing"

// ForceWinograd4 makes every convolution that runs through Winograd use
// F(4×4, 3×3) in both passes when on, and F(2×2, 3×3) when off, until t
// ends.
func ForceWinograd4(t testing.TB, on bool) {
	t.Helper()
	rule := winograd4Rule
	t.Cleanup(func() { winograd4Rule = rule })
	winograd4Rule = func(cin, cout, h, w int, backward bool) bool { return on }
}
