package distill

import (
	"fmt"
	"math/bits"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/diffusion/schedule"
)

// Grid returns the noise levels a student of n steps walks on sch: the σ
// of the trailing DDIM timesteps (sampler.DiscreteSigmas), descending, then
// 0; n+1 values. For n a power of two, Grid(2n)[2k] = Grid(n)[k]: the
// trailing steps T − i·T/n are exact in binary, so halving keeps every
// other level.
func Grid(sch schedule.Schedule, n int) ([]float64, error) {
	return sampler.DiscreteSigmas(sch, n, schedule.Trailing)
}

// IsPowerOfTwo reports whether n is 1, 2, 4, 8, …
func IsPowerOfTwo(n int) bool { return n >= 1 && bits.OnesCount(uint(n)) == 1 }

// Rounds returns the step count of the student of every round for a run
// from start to final steps: round 0 (guidance) keeps start, each later
// round halves it, ending at final. Both must be powers of two with
// final ≤ start.
func Rounds(start, final int) ([]int, error) {
	if !IsPowerOfTwo(start) {
		return nil, fmt.Errorf("distill: start steps: want a power of two (1, 2, 4, 8, …), got %d", start)
	}
	if !IsPowerOfTwo(final) {
		return nil, fmt.Errorf("distill: final steps: want a power of two (1, 2, 4, 8, …), got %d", final)
	}
	if final > start {
		return nil, fmt.Errorf("distill: final steps %d: want at most the start steps %d", final, start)
	}
	steps := []int{start}
	for n := start; n > final; n /= 2 {
		steps = append(steps, n/2)
	}
	return steps, nil
}

// TeacherGrid returns the noise levels the teacher of a round walks: the
// student's own grid in round 0 (one guided teacher step per student
// step), twice as fine after (two teacher steps per student step), and
// the number of teacher steps per student step.
func TeacherGrid(sch schedule.Schedule, round, studentSteps int) (sigmas []float64, perStep int, err error) {
	perStep = 2
	if round == 0 {
		perStep = 1
	}
	sigmas, err = Grid(sch, studentSteps*perStep)
	return sigmas, perStep, err
}
