package sampler_test

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/diffusion/schedule"
)

func TestSpecSigmas(t *testing.T) {
	sch := schedule.NewLinear(1000, 1e-4, 0.02)
	for _, c := range []struct {
		spec  sampler.Spec
		n     int
		first float64
	}{
		{sampler.Spec{Name: "ddpm"}, 1000, sch.Sigma(999)},
		{sampler.Spec{Name: "ddim", Steps: 20}, 20, sch.Sigma(999)},
		{sampler.Spec{Name: "ddim", Steps: 20, Spacing: schedule.Leading}, 20, sch.Sigma(950)},
		{sampler.Spec{Name: "heun"}, 18, sch.Sigma(999)},
		{sampler.Spec{Name: "dpmpp2m", Steps: 7}, 7, sch.Sigma(999)},
		{sampler.Spec{Name: "ddim", Steps: 5000}, 1000, sch.Sigma(999)},
		{sampler.Spec{Name: "vp-sde"}, 1000, sch.Sigma(999)},
		{sampler.Spec{Name: "ve-pc", Steps: 30}, 30, sch.Sigma(999)},
		{sampler.Spec{Name: "pf-ode"}, 2, sch.Sigma(999)},
	} {
		sig, err := c.spec.Sigmas(sch)
		if err != nil {
			t.Fatalf("%+v: %v", c.spec, err)
		}
		if len(sig) != c.n+1 || sig[c.n] != 0 || math.Abs(sig[0]-c.first) > 1e-12 {
			t.Errorf("%+v: %d levels from %g to %g, want %d from %g to 0", c.spec, len(sig), sig[0], sig[len(sig)-1], c.n+1, c.first)
		}
		for i := 1; i < len(sig); i++ {
			if !(sig[i] < sig[i-1]) {
				t.Errorf("%+v: levels not descending at %d: %g then %g", c.spec, i, sig[i-1], sig[i])
				break
			}
		}
	}
	if sig, _ := (sampler.Spec{Name: "euler", Steps: 10}).Sigmas(sch); math.Abs(sig[9]-sch.Sigma(0)) > 1e-12 {
		t.Errorf("euler's last non-zero level = %g, want the smallest training σ %g", sig[9], sch.Sigma(0))
	}
}

func TestSpecRefusesUnknown(t *testing.T) {
	if _, err := (sampler.Spec{Name: "plms"}).Build(); err == nil {
		t.Error("an unknown sampler name was accepted")
	}
	if _, err := (sampler.Spec{Name: "ddim", Eta: -1}).Build(); err == nil {
		t.Error("a negative eta was accepted")
	}
	if _, err := (sampler.Spec{Name: "nope"}).Sigmas(schedule.NewLinear(10, 1e-4, 0.02)); err == nil {
		t.Error("Sigmas of an unknown sampler returned no error")
	}
}

// TestSpecSigmaMax: the cap lowers the starting level of every sampler
// to SigmaMax, merges the discrete levels above it into one, leaves the
// levels below it as they were, and refuses a cap below the smallest σ.
func TestSpecSigmaMax(t *testing.T) {
	sch := schedule.NewCosine(1000, 0.008) // ends at σ ≈ 2·10⁴
	for _, name := range []string{"ddim", "ddpm", "dpmpp2m", "heun", "pf-ode", "vp-sde"} {
		spec := sampler.Spec{Name: name, Steps: 20}
		full, err := spec.Sigmas(sch)
		if err != nil {
			t.Fatal(err)
		}
		spec.SigmaMax = 80
		capped, err := spec.Sigmas(sch)
		if err != nil {
			t.Fatal(err)
		}
		if capped[0] != 80 || !(full[0] > 1e4) {
			t.Errorf("%s: starts at %g capped, %g uncapped; want 80 and the schedule's last σ", name, capped[0], full[0])
		}
		for i := 1; i < len(capped); i++ {
			if !(capped[i] < capped[i-1]) {
				t.Errorf("%s: capped levels not descending at %d: %v", name, i, capped)
				break
			}
		}
		if name == "ddim" || name == "ddpm" || name == "vp-sde" {
			// The discrete levels below the cap are the uncapped ones.
			k := len(full) - len(capped)
			for i := 1; i < len(capped); i++ {
				if capped[i] != full[i+k] {
					t.Errorf("%s: level %d = %g, want the uncapped %g", name, i, capped[i], full[i+k])
					break
				}
			}
			if name == "ddim" && len(capped) != len(full) {
				t.Errorf("ddim, 20 trailing steps: only the first level is above 80, yet %d of %d levels remain", len(capped), len(full))
			}
		}
	}
	if _, err := (sampler.Spec{Name: "ddim", SigmaMax: 1e-4}).Sigmas(sch); err == nil {
		t.Error("a cap below the smallest training σ was accepted")
	}
	if _, err := (sampler.Spec{Name: "ddim", SigmaMax: -1}).Sigmas(sch); err == nil {
		t.Error("a negative cap was accepted")
	}
}
