package audio

import (
	"fmt"
	"math"
)

// Audio is a clip: Data[c][i] is sample i of channel c, in [-1, 1] for
// full scale, at Rate samples per second. Every channel has the same
// length.
type Audio struct {
	Rate int         // samples per second per channel
	Data [][]float64 // (channels, samples)
}

// New returns silent audio with the given rate, channel count and length.
func New(rate, channels, samples int) *Audio {
	a := &Audio{Rate: rate, Data: make([][]float64, channels)}
	for c := range a.Data {
		a.Data[c] = make([]float64, samples)
	}
	return a
}

// Mono wraps one channel of samples as Audio (without copying).
func Mono(rate int, x []float64) *Audio { return &Audio{Rate: rate, Data: [][]float64{x}} }

// Channels is the channel count.
func (a *Audio) Channels() int { return len(a.Data) }

// Len is the number of samples per channel.
func (a *Audio) Len() int {
	if len(a.Data) == 0 {
		return 0
	}
	return len(a.Data[0])
}

// Duration is the length in seconds.
func (a *Audio) Duration() float64 { return float64(a.Len()) / float64(a.Rate) }

// Clone returns a deep copy.
func (a *Audio) Clone() *Audio {
	b := &Audio{Rate: a.Rate, Data: make([][]float64, len(a.Data))}
	for c, x := range a.Data {
		b.Data[c] = append([]float64(nil), x...)
	}
	return b
}

// Validate checks that a is well formed: a positive rate, 1 to
// MaxChannels channels of equal, non-zero length, finite samples.
func (a *Audio) Validate() error {
	if a == nil {
		return fmt.Errorf("audio: nil audio")
	}
	if a.Rate <= 0 {
		return fmt.Errorf("audio: rate %d: want a positive sample rate", a.Rate)
	}
	if len(a.Data) < 1 || len(a.Data) > MaxChannels {
		return fmt.Errorf("audio: %d channels: want 1 to %d", len(a.Data), MaxChannels)
	}
	n := len(a.Data[0])
	if n == 0 {
		return fmt.Errorf("audio: zero-length audio")
	}
	for c, x := range a.Data {
		if len(x) != n {
			return fmt.Errorf("audio: channel %d has %d samples, channel 0 has %d", c, len(x), n)
		}
		for i, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("audio: channel %d sample %d: want a finite value, got %v", c, i, v)
			}
		}
	}
	return nil
}
