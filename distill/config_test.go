package distill_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/distill"
	"github.com/diffusego/diffusego/pipeline"
)

func TestRounds(t *testing.T) {
	for _, c := range []struct {
		start, final int
		want         []int
	}{
		{16, 1, []int{16, 8, 4, 2, 1}},
		{8, 4, []int{8, 4}},
		{4, 4, []int{4}},
		{1, 1, []int{1}},
	} {
		got, err := distill.Rounds(c.start, c.final)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Rounds(%d, %d) = %v, %v; want %v", c.start, c.final, got, err, c.want)
		}
	}
	for _, c := range []struct {
		start, final int
		want         string
	}{
		{12, 1, "start steps: want a power of two"},
		{0, 1, "start steps: want a power of two"},
		{16, 3, "final steps: want a power of two"},
		{4, 8, "want at most the start steps 4"},
	} {
		_, err := distill.Rounds(c.start, c.final)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Rounds(%d, %d): error %v, want one containing %q", c.start, c.final, err, c.want)
		}
	}
}

// Halving keeps every other level: the grid of n steps is the even points
// of the grid of 2n, so a student step spans exactly two teacher steps,
// and the round's teacher grid is the student's (round 0) or twice as fine.
func TestGridHalves(t *testing.T) {
	for name, sch := range map[string]schedule.Schedule{"cosine": schedule.NewCosine(1000, 0.008),
		"linear": schedule.NewLinear(1000, 1e-4, 0.02), "linear-T100": schedule.NewLinear(100, 1e-4, 0.02)} {
		for n := 1; 2*n <= min(sch.Steps(), 256); n *= 2 {
			coarse, err := distill.Grid(sch, n)
			if err != nil {
				t.Fatal(err)
			}
			fine, err := distill.Grid(sch, 2*n)
			if err != nil {
				t.Fatal(err)
			}
			if len(coarse) != n+1 || len(fine) != 2*n+1 || coarse[n] != 0 {
				t.Fatalf("%s: grids of %d and %d steps have %d and %d levels", name, n, 2*n, len(coarse), len(fine))
			}
			for k := range coarse {
				if coarse[k] != fine[2*k] {
					t.Errorf("%s: Grid(%d)[%d] = %g, Grid(%d)[%d] = %g: want equal", name, n, k, coarse[k], 2*n, 2*k, fine[2*k])
				}
			}
			for round, wantM := range []int{1, 2, 2} {
				sig, m, err := distill.TeacherGrid(sch, round, n)
				if err != nil || m != wantM || len(sig) != m*n+1 {
					t.Errorf("%s: TeacherGrid(round %d, %d steps) = %d levels, %d per step, %v; want %d, %d", name, round, n, len(sig), m, err, wantM*n+1, wantM)
				}
			}
		}
	}
}

func goodConfig() distill.Config {
	return distill.Config{TeacherSHA256: "ab", Guidance: 3, StartSteps: 4, FinalSteps: 1, TrainSteps: 10,
		Batch: 4, LR: 1e-3, Warmup: 1, EMA: 0.9, Seed: 1, Threshold: true}
}

func TestConfigValidate(t *testing.T) {
	if err := goodConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for label, tc := range map[string]struct {
		edit func(*distill.Config)
		want string
	}{
		"start":  {func(c *distill.Config) { c.StartSteps = 6 }, "start steps: want a power of two"},
		"final":  {func(c *distill.Config) { c.FinalSteps = 8 }, "final steps 8: want at most"},
		"hash":   {func(c *distill.Config) { c.TeacherSHA256 = "" }, "teacher_sha256"},
		"w":      {func(c *distill.Config) { c.Guidance = -1 }, "guidance: want ≥ 0"},
		"steps":  {func(c *distill.Config) { c.TrainSteps = 0 }, "train steps: want ≥ 1"},
		"batch":  {func(c *distill.Config) { c.Batch = 0 }, "batch: want ≥ 1"},
		"lr":     {func(c *distill.Config) { c.LR = 0 }, "lr: want > 0"},
		"warmup": {func(c *distill.Config) { c.Warmup = 10 }, "warmup: want 0 ≤ warmup < the 10 train steps"},
		"ema":    {func(c *distill.Config) { c.EMA = 0 }, "ema: want a decay in (0, 1)"},
	} {
		c := goodConfig()
		tc.edit(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate() = %v, want an error containing %q", label, err, tc.want)
		}
	}
}

// A resume with other settings names the first field that differs.
func TestSameRun(t *testing.T) {
	a, b := goodConfig(), goodConfig()
	if err := a.SameRun(b); err != nil {
		t.Fatalf("equal configs: %v", err)
	}
	b.LR, b.TrainSteps = 2e-3, 20
	err := a.SameRun(b)
	if err == nil || !strings.Contains(err.Error(), "lr: the run was started with 0.001, now 0.002") {
		t.Errorf("SameRun with another lr and train steps = %v, want the lr named first", err)
	}
}

// Teachers of another kind are refused with what was expected.
func TestCheckTeacher(t *testing.T) {
	cfg := goodConfig()
	base := tinyModel()
	if err := distill.CheckTeacher(base, cfg); err != nil {
		t.Fatal(err)
	}
	cond := base
	cond.Cond = &pipeline.Cond{Task: pipeline.TaskPaired, Channels: 1}
	student := base
	student.Student = &pipeline.Student{Steps: 4, Guidance: 3}
	uncond := base
	uncond.UNet.Classes = 0
	for name, c := range map[string]struct {
		m    pipeline.Model
		want string
	}{
		"image-conditioned": {cond, "conditioned on an image"},
		"student":           {student, "already a distilled student"},
		"unconditional":     {uncond, "unconditional model has no guidance to distil"},
	} {
		err := distill.CheckTeacher(c.m, cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: CheckTeacher = %v, want an error containing %q", name, err, c.want)
		}
	}
	uncond1 := cfg
	uncond1.Guidance = 1
	if err := distill.CheckTeacher(uncond, uncond1); err != nil {
		t.Errorf("unconditional teacher at guidance 1: %v", err)
	}
}
