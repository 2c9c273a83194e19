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

// TestAutoencoderTrainInit trains 2 steps with a cosine schedule and
// saves at step 1, continues 1 step from the saved weights (--init), and
// refuses an unknown schedule. Time budget: about a second.
func TestAutoencoderTrainInit(t *testing.T) {
	em := fakeEmoji(t, 4)
	dir := t.TempDir()
	first, second := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	status, stdout, stderr := runCLI("autoencoder", "train", "--emoji", em, "--held-out", "0", "--out", first, "--steps", "2", "--batch", "2",
		"--lr-schedule", "cosine", "--warmup", "1", "--save-every", "1")
	if status != 0 || !strings.Contains(stdout, "step 1: latent scale") || !strings.Contains(stdout, "step 2: latent scale") {
		t.Fatalf("train: status %d, stdout %q, stderr %q: want saves after steps 1 and 2", status, stdout, stderr)
	}
	if status, _, stderr := runCLI("autoencoder", "train", "--emoji", em, "--held-out", "0", "--out", second, "--steps", "1", "--batch", "2", "--init", first); status != 0 {
		t.Fatalf("train --init: status %d, stderr %q", status, stderr)
	}
	if _, err := os.Stat(filepath.Join(second, "autoencoder.json")); err != nil {
		t.Error(err)
	}
	bad := filepath.Join(dir, "bad")
	if status, _, stderr := runCLI("autoencoder", "train", "--emoji", em, "--out", bad, "--steps", "1", "--lr-schedule", "wavy"); status != 2 || !strings.Contains(stderr, "--lr-schedule") {
		t.Errorf("unknown schedule: status %d, stderr %q", status, stderr)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Error("refused run wrote its folder")
	}
}
