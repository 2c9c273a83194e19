package pipeline

import (
	"fmt"
	"math/bits"

	"github.com/diffusego/diffusego/diffusion/sampler"
)

// StudentSampler is the sampler every distilled student runs: DDIM with
// η = 0 on the trailing grid of its step count (sampler.DiscreteSigmas),
// the map its distillation made it imitate.
const StudentSampler = "ddim"

// Student marks a model distilled for few-step sampling (package distill):
// its network predicts, in one call per step, what the guided teacher's
// DDIM reached in 2 (or, for the first stage, what guidance computed in 2
// calls), so it samples only with the schedule it was distilled for:
// StudentSampler at Steps steps, with guidance Guidance already inside
// the network.
type Student struct {
	Steps    int     `json:"steps"`    // sampling steps = network calls per image; a power of two
	Guidance float64 `json:"guidance"` // the classifier-free guidance scale w distilled in (1: plain conditional)
	Round    int     `json:"round"`    // distillation round: 0 distils guidance, round r ≥ 1 halves the steps
	// Teacher is the SHA-256 of the original teacher's checkpoint.
	Teacher string `json:"teacher_sha256"`
}

// Validate checks the fields a sampler needs.
func (s *Student) Validate() error {
	if s.Steps < 1 || bits.OnesCount(uint(s.Steps)) != 1 {
		return fmt.Errorf("student: steps: want a power of two ≥ 1, got %d", s.Steps)
	}
	if !(s.Guidance >= 0) {
		return fmt.Errorf("student: guidance: want ≥ 0, got %g", s.Guidance)
	}
	if s.Round < 0 {
		return fmt.Errorf("student: round: want ≥ 0, got %d", s.Round)
	}
	return nil
}

// Spec returns the sampler a student runs for a request: StudentSampler
// at the student's steps with the request's temperature. The request's
// sampler name is not used; its steps must be 0 (the student's) or the
// student's, and its guidance 0 or the student's w, since both are fixed
// by the distillation. Anything else is an error that says which
// checkpoint to use instead.
func (s *Student) Spec(req sampler.Spec, guidance float64) (sampler.Spec, error) {
	if req.Steps != 0 && req.Steps != s.Steps {
		return sampler.Spec{}, fmt.Errorf("steps %d: this student was distilled for %d steps (round %d); sample it with --steps %d, or take the checkpoint of the round distilled for %d", req.Steps, s.Steps, s.Round, s.Steps, req.Steps)
	}
	if guidance != 0 && guidance != s.Guidance {
		return sampler.Spec{}, fmt.Errorf("guidance %g: this student has guidance %g distilled in; sample it with --guidance %g", guidance, s.Guidance, s.Guidance)
	}
	return sampler.Spec{Name: StudentSampler, Steps: s.Steps, Temperature: req.Temperature}, nil
}
