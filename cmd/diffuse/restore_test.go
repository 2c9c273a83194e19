package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

// writeFashionPNGs writes the first n Fashion-MNIST test images as PNGs.
func writeFashionPNGs(t *testing.T, n int) string {
	t.Helper()
	x, _, err := data.LoadFashionMNIST(fashionDir, "test")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := range n {
		one := tensor.FromData(x.Data[i*784:(i+1)*784], 1, 1, 28, 28)
		img, err := pngout.Grid(one, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := pngout.WriteFile(filepath.Join(dir, strings.Repeat("0", 5)+string(rune('0'+i))+".png"), img, nil); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Inpainting returns the known pixels exactly as given, byte for byte,
// and refuses a mask of another size. Denoising writes one image per input.
func TestInpaintKeepsKnownPixelsAndDenoiseRuns(t *testing.T) {
	needFashion(t)
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	mustRun(t, "train", "--config", e2eConfig(t, run, 1))
	in := writeFashionPNGs(t, 3)
	out := filepath.Join(dir, "filled")
	mustRun(t, "inpaint", "--checkpoint", run, "--in", in, "--mask", "right", "--out", out, "--steps", "4", "--jump", "2", "--resample", "2")
	for _, name := range []string{"000000.png", "000002.png"} {
		a, b := decodeGrey(t, filepath.Join(in, name)), decodeGrey(t, filepath.Join(out, name))
		changed := 0
		for y := range 28 {
			for x := range 28 {
				i := y*28 + x
				if x < 14 && a[i] != b[i] {
					t.Fatalf("%s: known pixel (%d, %d) changed from %d to %d", name, x, y, a[i], b[i])
				}
				if x >= 14 && a[i] != b[i] {
					changed++
				}
			}
		}
		if changed == 0 {
			t.Errorf("%s: the masked half was not filled", name)
		}
	}
	mask := filepath.Join(dir, "mask.png")
	img, _ := pngout.Grid(tensor.New(1, 1, 10, 10), 1, 0)
	if err := pngout.WriteFile(mask, img, nil); err != nil {
		t.Fatal(err)
	}
	status, _, errOut := runCLI("inpaint", "--checkpoint", run, "--in", in, "--mask", mask, "--out", filepath.Join(dir, "bad"))
	if status == 0 || !strings.Contains(errOut, "mask.png") || !strings.Contains(errOut, "10×10") {
		t.Errorf("a 10×10 mask for 28×28 images: status %d, stderr %q", status, errOut)
	}
	den := filepath.Join(dir, "denoised")
	mustRun(t, "denoise", "--checkpoint", run, "--in", in, "--sigma", "0.2", "--samples", "2", "--steps", "3", "--out", den)
	if _, err := os.Stat(filepath.Join(den, "000001.png")); err != nil {
		t.Error(err)
	}
}

func decodeGrey(t *testing.T, path string) []uint8 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]uint8, 0, 784)
	for y := range 28 {
		for x := range 28 {
			r, _, _, _ := img.At(x, y).RGBA()
			out = append(out, uint8(r>>8))
		}
	}
	return out
}

func TestTrajectoryStepsSpreadInLogSigma(t *testing.T) {
	sigmas := []float64{1000, 100, 10, 1, 0.1, 0.01, 0} // 6 steps, a decade each
	keep := trajectorySteps(sigmas, 4)
	for _, i := range []int{0, 2, 4, 5} { // σ 100, 1 and 0.01 (even in log σ), and the last step
		if !keep[i] {
			t.Errorf("trajectorySteps(decades, 4) = %v, want step %d kept", keep, i)
		}
	}
	if len(keep) != 4 {
		t.Errorf("trajectorySteps kept %d steps %v, want 4", len(keep), keep)
	}
}
