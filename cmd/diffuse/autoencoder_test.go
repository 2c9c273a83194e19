package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAutoencoderRefuses checks the flags and a missing emoji set: each
// is an error, and no model folder is written.
func TestAutoencoderRefuses(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "ae")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no out", []string{"autoencoder", "train", "--emoji", dir}, "--out is required"},
		{"zero steps", []string{"autoencoder", "train", "--emoji", dir, "--out", out, "--steps", "0"}, "want positive numbers"},
		{"no emoji set", []string{"autoencoder", "train", "--emoji", dir, "--out", out, "--steps", "1"}, "run make emoji"},
		{"no model", []string{"autoencoder", "eval", "--emoji", dir, "--model", filepath.Join(dir, "none")}, "autoencoder.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _, errOut := runCLI(c.args...)
			if status == 0 || !strings.Contains(errOut, c.want) {
				t.Errorf("status %d, stderr %q, want a failure containing %q", status, errOut, c.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s written after a refusal", out)
			}
		})
	}
}
