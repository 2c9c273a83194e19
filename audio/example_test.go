package audio_test

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/audio"
)

func ExampleConform() {
	// One second of stereo at 44.1 kHz, to the 8 kHz mono a model wants.
	a := audio.New(44100, 2, 44100)
	for i := range a.Data[0] {
		a.Data[0][i] = math.Sin(2 * math.Pi * 440 * float64(i) / 44100)
		a.Data[1][i] = a.Data[0][i]
	}
	b, note, err := audio.Conform(a, 8000, 1)
	fmt.Println(b.Rate, b.Channels(), b.Len(), err)
	fmt.Println(note)
	// Output:
	// 8000 1 8000 <nil>
	// downmixed 2 channels → 1 (mean); resampled 44100 Hz → 8000 Hz (windowed sinc, Kaiser β=8.6, 32 zero crossings, cutoff 3600 Hz)
}
