package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/internal/pngout"
)

// TestRun makes the table with one seed and the drawing (about 0.1 s).
func TestRun(t *testing.T) {
	png := filepath.Join(t.TempDir(), "g.png")
	stdout := os.Stdout
	r, w, _ := os.Pipe()
	os.Stdout = w
	err := run(1, 1, png, "")
	w.Close()
	os.Stdout = stdout
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(r)
	if !strings.Contains(string(out), "| training set (80 graphs): the floor |") {
		t.Errorf("no floor row in\n%s", out)
	}
	meta, err := pngout.ReadFileText(png)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(meta["Command"], "mktable") {
		t.Errorf("PNG text %v lacks the command", meta)
	}
	if err := run(0, 1, "", ""); err == nil {
		t.Error("run accepted 0 seeds")
	}
}
