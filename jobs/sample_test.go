package jobs

import "testing"

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
