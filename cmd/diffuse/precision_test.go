package main

import (
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/pngout"
)

// TestPrecisionFlag: --precision takes fp32 or bf16 on sample and train;
// anything else, and bf16 where the CPU cannot run it, is a usage error
// naming the flag. Where bf16 runs, the shipped model's samples under it
// differ from fp32's by a few grey levels (3.9 and 7.5 of 255 when written;
// two images, two steps: about a second),
// and the next command without the flag is fp32 again; a bf16 PNG says so
// in its text chunks (precision bf16), an fp32 one has no such key.
func TestPrecisionFlag(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"sample", "--precision", "fp16", "--n", "1", "--out", filepath.Join(dir, "bad")},
		{"train", "--precision", "half", "--steps", "1", "--out", filepath.Join(dir, "badtrain")},
	} {
		status, _, errOut := runCLI(args...)
		if status != 2 || !strings.Contains(errOut, "--precision: want fp32 or bf16") {
			t.Errorf("diffuse %s: status %d, stderr %q; want 2 and the flag named", strings.Join(args, " "), status, errOut)
		}
	}
	usable := kernels.SetPrecision(kernels.BF16)
	if err := kernels.SetPrecision(kernels.FP32); err != nil {
		t.Fatal(err)
	}
	sample := func(name string, extra ...string) string {
		out := filepath.Join(dir, name)
		args := append([]string{"sample", "--n", "2", "--steps", "2", "--seed", "3", "--out", out}, extra...)
		status, _, errOut := runCLI(args...)
		if usable != nil && len(extra) > 0 {
			if status != 2 || !strings.Contains(errOut, "--precision bf16") || !strings.Contains(errOut, "AVX512_BF16") {
				t.Fatalf("diffuse %s without bf16 kernels (%v): status %d, stderr %q; want 2, the flag and the reason", strings.Join(args, " "), usable, status, errOut)
			}
			return ""
		}
		if status != 0 {
			t.Fatalf("diffuse %s: status %d, stderr %q", strings.Join(args, " "), status, errOut)
		}
		return out
	}
	fp32 := sample("fp32")
	bf16 := sample("bf16", "--precision", "bf16")
	if usable != nil {
		t.Skipf("bf16 refused as it should be here: %v", usable)
	}
	if p := kernels.ForwardPrecision(); p != kernels.BF16 {
		t.Errorf("after --precision bf16 the precision is %v", p)
	}
	again := sample("again")
	if p := kernels.ForwardPrecision(); p != kernels.FP32 {
		t.Errorf("after a run without --precision the precision is %v, want fp32", p)
	}
	read := func(path string) *image.Gray {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatal(err)
		}
		g, ok := img.(*image.Gray)
		if !ok {
			t.Fatalf("%s: %T, want a grey image", path, img)
		}
		return g
	}
	for dir, want := range map[string]string{fp32: "", bf16: "bf16", again: ""} {
		meta, err := pngout.ReadFileText(filepath.Join(dir, "000000_c0.png"))
		if err != nil {
			t.Fatal(err)
		}
		if meta["precision"] != want {
			t.Errorf("%s: PNG text precision %q, want %q", dir, meta["precision"], want)
		}
	}
	for _, name := range []string{"000000_c0.png", "000001_c1.png"} {
		a, b, c := read(filepath.Join(fp32, name)), read(filepath.Join(bf16, name)), read(filepath.Join(again, name))
		var diff, same float64
		for i := range a.Pix {
			diff += math.Abs(float64(a.Pix[i]) - float64(b.Pix[i]))
			same += math.Abs(float64(a.Pix[i]) - float64(c.Pix[i]))
		}
		diff /= float64(len(a.Pix))
		if same != 0 {
			t.Errorf("%s: two fp32 runs differ", name)
		}
		if diff == 0 || diff > 20 {
			t.Errorf("%s: mean |fp32 − bf16| = %.3g grey levels; want above 0 and at most 20 (a wrong product gives far more)", name, diff)
		}
		t.Logf("%s: mean |fp32 − bf16| = %.3g grey levels of 255", name, diff)
	}
}
