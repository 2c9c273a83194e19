// Package model holds the shipped spoken-digit generator: a mel model
// (package melgen) trained on the 20,000-clip spoken-digit set, built into
// the binary so that `diffuse audio sample` and the server's audio kind
// work on a fresh checkout with no training. README.md in this folder says
// exactly how it was made and what it scores; config.json beside it is the
// training run's configuration.
package model
