package optim_test

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/optim"
)

func TestSchedules(t *testing.T) {
	cos := optim.WarmupCosine{Peak: 1, Floor: 0.1, Warmup: 10, Total: 110}
	for _, tc := range []struct {
		name string
		s    optim.Schedule
		step int
		want float64
	}{
		{"constant", optim.Constant{Rate: 3e-4}, 12345, 3e-4},
		{"warmup start", optim.LinearWarmup{Peak: 2, Warmup: 4}, 0, 0},
		{"warmup middle", optim.LinearWarmup{Peak: 2, Warmup: 4}, 1, 0.5},
		{"warmup end", optim.LinearWarmup{Peak: 2, Warmup: 4}, 4, 2},
		{"warmup after", optim.LinearWarmup{Peak: 2, Warmup: 4}, 1000, 2},
		{"no warmup", optim.LinearWarmup{Peak: 2}, 0, 2},
		{"cosine warming", cos, 5, 0.5},
		{"cosine peak", cos, 10, 1},
		{"cosine quarter", cos, 35, 0.1 + 0.9*0.5*(1+math.Sqrt2/2)},
		{"cosine half", cos, 60, 0.55},
		{"cosine end", cos, 110, 0.1},
		{"cosine past end", cos, 500, 0.1},
	} {
		if got := tc.s.LR(tc.step); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: LR(%d) = %.12f, want %.12f", tc.name, tc.step, got, tc.want)
		}
	}
}

func TestParseSchedule(t *testing.T) {
	for _, tc := range []struct {
		name string
		want optim.Schedule
	}{
		{"constant", optim.Constant{Rate: 1e-3}},
		{"linear-warmup", optim.LinearWarmup{Peak: 1e-3, Warmup: 10}},
		{"warmup", optim.LinearWarmup{Peak: 1e-3, Warmup: 10}},
		{"cosine", optim.WarmupCosine{Peak: 1e-3, Floor: 1e-5, Warmup: 10, Total: 100}},
	} {
		got, err := optim.ParseSchedule(tc.name, 1e-3, 1e-5, 10, 100)
		if err != nil || got != tc.want {
			t.Errorf("ParseSchedule(%q) = %#v, %v; want %#v", tc.name, got, err, tc.want)
		}
	}
	if _, err := optim.ParseSchedule("exponential", 1, 0, 0, 1); err == nil {
		t.Error("ParseSchedule accepted an unknown name")
	}
	if _, err := optim.ParseSchedule("cosine", 1, 0, 10, 10); err == nil {
		t.Error("ParseSchedule accepted a cosine with no decay steps")
	}
}
