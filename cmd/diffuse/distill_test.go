package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// diffuse distill refuses bad settings and teachers of another kind with
// what was expected, before writing anything.
func TestDistillRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	text := filepath.Join("..", "..", "models", "shipped", "fortunes-mdlm.safetensors")
	for _, c := range []struct {
		name   string
		args   []string
		status int
		want   []string
	}{
		{"start not a power of two", []string{"--start-steps", "12"}, 2, []string{"--start-steps 12", "want a power of two"}},
		{"final above start", []string{"--start-steps", "4", "--final-steps", "8"}, 2, []string{"final steps 8: want at most the start steps 4"}},
		{"bad lr", []string{"--lr", "0"}, 2, []string{"lr: want > 0"}},
		{"a text model", []string{"--teacher", text}, 1, []string{"a text model, not an image model"}},
		{"missing data", []string{"--data", filepath.Join(dir, "nowhere")}, 1, []string{"nowhere"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, _, errOut := runCLI(append([]string{"distill", "--out", out}, c.args...)...)
			if status != c.status {
				t.Errorf("status %d, want %d; stderr %q", status, c.status, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a refused run created %s", out)
			}
		})
	}
}
