package pipeline_test

import (
	"strings"
	"testing"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/pipeline"
)

// A student samples only with its own schedule: any sampler name becomes
// its DDIM, steps and guidance must be 0 or its own, and the temperature
// is kept.
func TestStudentSpec(t *testing.T) {
	s := &pipeline.Student{Steps: 4, Guidance: 3, Round: 1}
	for _, c := range []struct {
		name     string
		req      sampler.Spec
		guidance float64
		want     string // error substring; "" for none
	}{
		{"defaults", sampler.Spec{Name: "dpmpp2m"}, 0, ""},
		{"own steps and w", sampler.Spec{Name: "ddim", Steps: 4, Temperature: 0.8}, 3, ""},
		{"other steps", sampler.Spec{Name: "ddim", Steps: 2}, 3, "distilled for 4 steps (round 1); sample it with --steps 4"},
		{"other w", sampler.Spec{Name: "ddim"}, 2, "guidance 3 distilled in; sample it with --guidance 3"},
	} {
		got, err := s.Spec(c.req, c.guidance)
		if c.want != "" {
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
			}
			continue
		}
		want := sampler.Spec{Name: pipeline.StudentSampler, Steps: 4, Temperature: c.req.Temperature}
		if err != nil || got != want {
			t.Errorf("%s: Spec = %+v, %v; want %+v", c.name, got, err, want)
		}
	}
	for _, bad := range []pipeline.Student{{Steps: 3, Guidance: 3}, {Steps: 0}, {Steps: 2, Guidance: -1}, {Steps: 2, Round: -1}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil, want an error", bad)
		}
	}
}
