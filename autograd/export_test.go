package autograd

import "testing"

// ForceWinograd makes every convolution Winograd can take (3×3, stride 1,
// padding 1, one group) run through it when on, and none when off, until
// t ends, whatever the channel counts.
func ForceWinograd(t testing.TB, on bool) {
	t.Helper()
	rule, enabled := winogradRule, winogradOn
	t.Cleanup(func() { winogradRule, winogradOn = rule, enabled })
	winogradRule = func(cin, cout, h, w int) bool { return true }
	winogradOn = on
}

// SetWinogradChunkTiles sets the tiles a Winograd chunk aims for until t
// ends: small values force many chunks and an uneven last one.
func SetWinogradChunkTiles(t testing.TB, n int) {
	t.Helper()
	old := winoChunkTiles
	t.Cleanup(func() { winoChunkTiles = old })
	winoChunkTiles = n
}
