package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio/digits"
)

// TestRunOnATinySet makes 5 voices × 10 digits (2 test voices) and runs
// the whole measurement on 3 clips, PNG included (about 1 s).
func TestRunOnATinySet(t *testing.T) {
	for _, p := range []string{"espeak-ng", "sox"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("%s not installed (Debian package %s)", p, p)
		}
	}
	dir := t.TempDir()
	voices := []string{"en-us+m3", "en-gb+f2", "de+croak", "fr-fr+m1", "it+f4"}
	if _, err := digits.Generate(context.Background(), digits.Options{Dir: dir, Voices: voices, PerDigit: 1, Seed: 2, ValFraction: 0.2, TestFraction: 0.4}); err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(dir, "s.png")
	var out strings.Builder
	if err := run(&out, dir, 3, 1, png); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**SI-SDR improvement", "**segmental SNR", "**log-spectral distance", "babble 10 dB", "sox noisered", "3 test clips (2 held-out voices)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if fi, err := os.Stat(png); err != nil || fi.Size() < 1000 {
		t.Errorf("spectrogram PNG: %v", err)
	}
	if err := run(io.Discard, dir, 1000, 1, ""); err == nil {
		t.Error("asking for more test clips than exist succeeded")
	}
}
