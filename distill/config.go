package distill

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/diffusego/diffusego/pipeline"
)

// ConfigKey is the safetensors header key under which a student's
// checkpoint keeps the Config of the run that made it, as JSON.
const ConfigKey = "diffusego.distill"

// Config is what a distillation run does; a resumed run must have the
// same one.
type Config struct {
	Teacher       string  `json:"teacher"`        // the teacher's file as given; "" for the shipped model
	TeacherSHA256 string  `json:"teacher_sha256"` // SHA-256 of the teacher's file
	Guidance      float64 `json:"guidance"`       // classifier-free guidance scale w distilled in (1: plain conditional)
	StartSteps    int     `json:"start_steps"`    // N₀: the steps of the guidance student (round 0); a power of two
	FinalSteps    int     `json:"final_steps"`    // the steps of the last round's student; a power of two ≤ N₀
	TrainSteps    int     `json:"train_steps"`    // optimiser steps per round
	Batch         int     `json:"batch"`          // training images per step
	LR            float64 `json:"lr"`             // peak learning rate (cosine schedule after Warmup)
	Warmup        int     `json:"warmup"`         // warm-up steps of each round
	EMA           float64 `json:"ema"`            // decay of the weight average the next round and sampling use; in (0, 1)
	Seed          uint64  `json:"seed"`           // drives batches, grid indices and noise
	// Threshold clips the teacher's predictions to [−1, 1], as sampling
	// with --threshold does, so the student imitates the sampler users run.
	Threshold bool `json:"threshold"`
}

// Validate checks the settings, naming the field that is wrong.
func (c Config) Validate() error {
	if _, err := Rounds(c.StartSteps, c.FinalSteps); err != nil {
		return err
	}
	switch {
	case c.TeacherSHA256 == "":
		return fmt.Errorf("distill: teacher_sha256: want the teacher file's SHA-256")
	case !(c.Guidance >= 0):
		return fmt.Errorf("distill: guidance: want ≥ 0, got %g", c.Guidance)
	case c.TrainSteps < 1:
		return fmt.Errorf("distill: train steps: want ≥ 1 per round, got %d", c.TrainSteps)
	case c.Batch < 1:
		return fmt.Errorf("distill: batch: want ≥ 1, got %d", c.Batch)
	case !(c.LR > 0):
		return fmt.Errorf("distill: lr: want > 0, got %g", c.LR)
	case c.Warmup < 0 || c.Warmup >= c.TrainSteps:
		return fmt.Errorf("distill: warmup: want 0 ≤ warmup < the %d train steps, got %d", c.TrainSteps, c.Warmup)
	case !(c.EMA > 0 && c.EMA < 1):
		return fmt.Errorf("distill: ema: want a decay in (0, 1), got %g", c.EMA)
	}
	return nil
}

// SameRun returns nil when c and other describe the same run, else an
// error naming the first field (by its JSON name) that differs and both
// values, for refusing a resume with other settings.
func (c Config) SameRun(other Config) error {
	a, b := fields(c), fields(other)
	for _, k := range slices.Sorted(maps.Keys(a)) {
		if a[k] != b[k] {
			return fmt.Errorf("%s: the run was started with %s, now %s", k, a[k], b[k])
		}
	}
	return nil
}

// fields returns c's JSON fields as strings.
func fields(c Config) map[string]string {
	raw, err := json.Marshal(c)
	if err != nil {
		panic(err) // plain data always marshals
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		panic(err)
	}
	out := map[string]string{}
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

// CheckTeacher refuses teachers that cannot be distilled with c: models
// conditioned on an image, students (resume their run instead), and
// unconditional models when guidance other than 1 is asked for.
func CheckTeacher(m pipeline.Model, c Config) error {
	switch {
	case m.Cond != nil:
		return fmt.Errorf("distill: teacher: a %q model conditioned on an image; want a class-conditional or unconditional image model", m.Cond.Task)
	case m.Student != nil:
		return fmt.Errorf("distill: teacher: already a distilled student (round %d, %d steps); continue its run with --resume instead", m.Student.Round, m.Student.Steps)
	case m.UNet.Classes == 0 && c.Guidance != 1:
		return fmt.Errorf("distill: teacher: an unconditional model has no guidance to distil; want --guidance 1, got %g", c.Guidance)
	}
	return nil
}
