package jobs

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/pipeline"
)

// TestSampleSpecSigmaMax: the cap reaches the sampler and is recorded in
// the PNG settings when set, and only then (so older files read the same).
func TestSampleSpecSigmaMax(t *testing.T) {
	s := SampleSpec{Sampler: "dpmpp2m", Steps: 20, Eta: 0, Temperature: 1, SigmaMax: 80}
	if got := s.SamplerSpec().SigmaMax; got != 80 {
		t.Errorf("SamplerSpec().SigmaMax = %g, want 80", got)
	}
	m := (&Sampling{SampleSpec: s, steps: 20}).Meta(-1)
	if m["sigma_max"] != "80" {
		t.Errorf("meta sigma_max = %q, want \"80\"", m["sigma_max"])
	}
	s.SigmaMax = 0
	if _, ok := (&Sampling{SampleSpec: s, steps: 20}).Meta(-1)["sigma_max"]; ok {
		t.Error("meta records sigma_max when it is 0 (the schedule's)")
	}
}

// TestGuidanceZeroIsUnconditional: --guidance 0 draws from the
// unconditional model (every label the null class), names images without
// a class, and refuses a --class, where pipeline.Options alone would read
// a zero guidance as plain conditional.
func TestGuidanceZeroIsUnconditional(t *testing.T) {
	cfg := unet.Config{ImageSize: 8, InChannels: 1, OutChannels: 1, Channels: 8, ChannelMult: []int{1, 2},
		ResBlocks: 1, AttentionResolutions: []int{}, Heads: 1, Classes: 3, Groups: 4}
	p, err := pipeline.New(pipeline.Model{UNet: cfg, Schedule: schedule.Config{Name: "linear", Steps: 100}, Target: diffusion.Eps}, 1)
	if err != nil {
		t.Fatal(err)
	}
	spec := SampleSpec{N: 4, Class: -1, Guidance: 0, Sampler: "ddim", Steps: 3, Seed: 2, Temperature: 1, Batch: 4}
	s, err := spec.Prepare(p)
	if err != nil {
		t.Fatal(err)
	}
	if s.Labels != nil || s.Name(1) != "000001.png" {
		t.Errorf("guidance 0: labels %v, name %q: want none and 000001.png", s.Labels, s.Name(1))
	}
	got, err := s.Generate(context.Background(), 0, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	gen := func(labels []int) []float32 {
		x, err := p.Generate(context.Background(), pipeline.Options{N: 4, Labels: labels, Guidance: 1,
			Sampler: s.SamplerSpec(), Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		return x.Data
	}
	if !slices.Equal(got.Data, gen([]int{3, 3, 3, 3})) {
		t.Error("guidance 0 did not give the null-class (unconditional) images")
	}
	if slices.Equal(got.Data, gen([]int{0, 1, 2, 0})) {
		t.Error("guidance 0 gave the conditional images")
	}
	spec.Class = 1
	if _, err := spec.Prepare(p); err == nil || !strings.Contains(err.Error(), "--guidance 0") {
		t.Errorf("--class 1 --guidance 0: error %v, want one naming --guidance 0", err)
	}
}
