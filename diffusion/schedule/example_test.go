package schedule_test

import (
	"fmt"

	"github.com/diffusego/diffusego/diffusion/schedule"
)

func ExampleTimesteps() {
	for _, sp := range []schedule.Spacing{schedule.Leading, schedule.Trailing, schedule.Linspace} {
		ts, _ := schedule.Timesteps(1000, 5, sp)
		fmt.Println(sp, ts)
	}
	// Output:
	// leading [800 600 400 200 0]
	// trailing [999 799 599 399 199]
	// linspace [999 749 500 250 0]
}

func ExampleKarrasSigmas() {
	fmt.Printf("%.4g\n", schedule.KarrasSigmas(5, 0.002, 80, 7))
	// Output:
	// [80 17.53 2.515 0.1698 0.002 0]
}

func ExampleNew() {
	s, err := schedule.New("linear", 1000, map[string]float64{"beta_end": 0.02})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("ᾱ_0 = %.4f, ᾱ_999 = %.3g, σ_999 = %.4g\n", s.AlphaBar(0), s.AlphaBar(999), s.Sigma(999))
	_, err = schedule.New("scaled_linear", 1000, nil)
	fmt.Println(err)
	// Output:
	// ᾱ_0 = 0.9999, ᾱ_999 = 4.04e-05, σ_999 = 157.4
	// schedule: unknown name "scaled_linear": want one of linear, cosine, sigmoid
}
