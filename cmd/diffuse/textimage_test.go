package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/models/autoencoder"
	"github.com/diffusego/diffusego/textimage"
)

// TestTextImageSampleCLI samples from an untrained tiny model through the
// CLI, then checks that bad prompts and a different autoencoder are
// refused with nothing written.
func TestTextImageSampleCLI(t *testing.T) {
	dir := t.TempDir()
	ae := autoencoder.New(autoencoder.Tiny(), 1)
	m, err := textimage.New(ae, 16, []string{"red apple", "cat face"}, 12, 8, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	model, aeDir, otherAE := filepath.Join(dir, "m"), filepath.Join(dir, "ae"), filepath.Join(dir, "other")
	if err := m.Save(model); err != nil {
		t.Fatal(err)
	}
	if err := ae.Save(aeDir); err != nil {
		t.Fatal(err)
	}
	if err := autoencoder.New(autoencoder.Tiny(), 2).Save(otherAE); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "ok")
	status, _, errOut := runCLI("textimage", "sample", "--model", model, "--autoencoder", aeDir, "--prompt", "Red apple", "--n", "2", "--steps", "2", "--out", out)
	if status != 0 {
		t.Fatalf("sample: status %d, stderr %q", status, errOut)
	}
	for _, f := range []string{"0000.png", "0001.png", "grid.png", "prompts.txt"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown character", []string{"--prompt", "red apple?"}, "not in the text encoder's vocabulary"},
		{"over-long prompt", []string{"--prompt", "red apple cat face"}, "long prompts are refused, not truncated"},
		{"other autoencoder", []string{"--prompt", "cat face", "--autoencoder", otherAE}, "refusing to decode with a different autoencoder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := filepath.Join(dir, "bad-"+strings.ReplaceAll(c.name, " ", "-"))
			args := append([]string{"textimage", "sample", "--model", model, "--autoencoder", aeDir, "--steps", "2", "--out", bad}, c.args...)
			status, _, errOut := runCLI(args...)
			if status == 0 || !strings.Contains(errOut, c.want) {
				t.Errorf("status %d, stderr %q, want a failure containing %q", status, errOut, c.want)
			}
			if _, err := os.Stat(bad); err == nil {
				t.Errorf("%s written after a refusal", bad)
			}
		})
	}
}
