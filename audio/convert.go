package audio

import (
	"fmt"
	"strings"
)

// Conform converts a to rate Hz and channels channels and returns the
// result with a sentence saying what changed ("" when nothing did), for a
// command line to print. Channels are converted first: many channels go to
// one by their mean (a downmix), one channel goes to many by copying it;
// any other change of channel count (say 5 to 2) is refused, because no
// mapping is clearly right. The rate is then changed with Resample. A
// result with no samples is refused. a is not modified.
func Conform(a *Audio, rate, channels int) (*Audio, string, error) {
	if err := a.Validate(); err != nil {
		return nil, "", err
	}
	if rate <= 0 || channels < 1 || channels > MaxChannels {
		return nil, "", fmt.Errorf("audio: conform to %d Hz, %d channels: want a positive rate and 1 to %d channels", rate, channels, MaxChannels)
	}
	var notes []string
	out := a
	switch have := a.Channels(); {
	case have == channels:
	case channels == 1:
		mix := make([]float64, a.Len())
		for _, x := range a.Data {
			for i, v := range x {
				mix[i] += v
			}
		}
		for i := range mix {
			mix[i] /= float64(have)
		}
		out = Mono(a.Rate, mix)
		notes = append(notes, fmt.Sprintf("downmixed %d channels → 1 (mean)", have))
	case have == 1:
		out = &Audio{Rate: a.Rate, Data: make([][]float64, channels)}
		for c := range out.Data {
			out.Data[c] = append([]float64(nil), a.Data[0]...)
		}
		notes = append(notes, fmt.Sprintf("copied 1 channel → %d", channels))
	default:
		return nil, "", fmt.Errorf("audio: %d channels → %d: refused (only downmixing to 1 or copying 1 channel is defined)", have, channels)
	}
	if a.Rate != rate {
		res := &Audio{Rate: rate, Data: make([][]float64, out.Channels())}
		for c, x := range out.Data {
			y, err := Resample(x, a.Rate, rate)
			if err != nil {
				return nil, "", err
			}
			res.Data[c] = y
		}
		if res.Len() == 0 {
			return nil, "", fmt.Errorf("audio: %d samples at %d Hz → %d Hz leaves no samples", a.Len(), a.Rate, rate)
		}
		out = res
		notes = append(notes, fmt.Sprintf("resampled %d Hz → %d Hz (windowed sinc, Kaiser β=%g, %d zero crossings, cutoff %.0f Hz)",
			a.Rate, rate, ResampleBeta, ResampleZeros, ResampleRolloff*float64(min(a.Rate, rate))/2))
	}
	if out == a {
		out = a.Clone()
	}
	return out, strings.Join(notes, "; "), nil
}
