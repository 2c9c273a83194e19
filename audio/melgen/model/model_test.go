package model

import (
	"context"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio/melgen"
	"github.com/diffusego/diffusego/diffusion/sampler"
)

// The shipped model is at most 16 MiB, its README names its SHA-256, it
// loads as the mel route's tiny U-Net with the default spec and ten
// digits, and it samples deterministically: the same settings give the
// same clips bit for bit (1 s at a peak of 0.9), and with an item-wise
// sampler clip 0 drawn alone equals clip 0 of a batch. Time
// budget: well under a second (2 clips, 2 steps).
func TestShippedModelSamplesDeterministically(t *testing.T) {
	if n := len(Bytes()); n > 16<<20 {
		t.Errorf("the shipped model is %d bytes, over 16 MiB", n)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), SHA256()) {
		t.Errorf("README.md does not name the shipped file's SHA-256 %s", SHA256())
	}
	g, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if g.Codec.Spec != melgen.Default() {
		t.Errorf("spec %+v, want the default %+v", g.Codec.Spec, melgen.Default())
	}
	if u := g.Pipe.Model.UNet; u.Classes != 10 || u.ImageSize != 32 || u.Channels != 32 {
		t.Errorf("U-Net %+v: want the tiny preset on 32×32 images with 10 classes", u)
	}
	opts := melgen.Options{Sampler: sampler.Spec{Name: "dpmpp2m", Steps: 2}, Guidance: 3, Seed: 11}
	x, _, err := g.Generate(context.Background(), []int{3, 7}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x.Shape, []int{2, 1, 8000}) {
		t.Fatalf("clips %v, want (2, 1, 8000)", x.Shape)
	}
	for i := range 2 {
		peak := 0.0
		for _, v := range x.Data[i*8000 : (i+1)*8000] {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("clip %d is not finite", i)
			}
			peak = max(peak, math.Abs(float64(v)))
		}
		if math.Abs(peak-0.9) > 1e-6 {
			t.Errorf("clip %d peaks at %g, want 0.9", i, peak)
		}
	}
	again, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	y, _, err := again.Generate(context.Background(), []int{3, 7}, opts)
	if err != nil || !slices.Equal(x.Data, y.Data) {
		t.Errorf("a second load with the same settings gave other clips (%v)", err)
	}
	alone, _, err := g.Generate(context.Background(), []int{3}, opts)
	if err != nil || !slices.Equal(alone.Data, x.Data[:8000]) {
		t.Errorf("clip 0 depends on its batch (%v)", err)
	}
}
