package distill_test

import (
	"fmt"

	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/distill"
)

// A run from 16 to 1 steps: round 0 distils guidance at 16 steps, then
// four halving rounds. A round's teacher walks twice its student's grid.
func ExampleRounds() {
	steps, _ := distill.Rounds(16, 1)
	fmt.Println(steps)
	sigmas, perStep, _ := distill.TeacherGrid(schedule.NewCosine(1000, 0.008), 1, 8)
	fmt.Println(len(sigmas)-1, "teacher steps,", perStep, "per student step")
	// Output:
	// [16 8 4 2 1]
	// 16 teacher steps, 2 per student step
}
