package main

import (
	"testing"

	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/textimage"
)

// TestPromptSamplerSpec: with no --sigma-max the levels diffuse sample
// records and draws --trajectory with start at textimage.SigmaMax, where
// the model's sampling starts, not at the schedule's last σ (≈ 2·10⁴); a
// given --sigma-max is kept. For 1000 DDPM steps the cap also merges the
// levels above it, so the step count differs too.
func TestPromptSamplerSpec(t *testing.T) {
	sch := schedule.NewCosine(1000, 0.008)
	for _, c := range []struct {
		sampler string
		max     float64
		want    float64
	}{{"dpmpp2m", 0, textimage.SigmaMax}, {"ddpm", 0, textimage.SigmaMax}, {"ddim", 20, 20}} {
		spec := promptSamplerSpec(sampleSettings{sampler: c.sampler, sigmaMax: c.max, temperature: 1})
		sig, err := spec.Sigmas(sch)
		if err != nil {
			t.Fatal(err)
		}
		if sig[0] != c.want {
			t.Errorf("%s, --sigma-max %g: levels start at %g, want %g", c.sampler, c.max, sig[0], c.want)
		}
	}
}
