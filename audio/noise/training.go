package noise

import (
	"github.com/diffusego/diffusego/tensor"
)

// TrainingKinds are the noise kinds a denoiser is trained on, drawn
// uniformly by Training.Draw.
var TrainingKinds = []string{"white", "pink", "babble"}

// BabbleTalkers is how many talkers make training babble.
const BabbleTalkers = 4

// Training draws the noise of denoising training afresh for every clip:
// a kind from TrainingKinds (white, pink, or babble of BabbleTalkers
// streams of utterances by voices other than the clip's), an SNR uniform
// in [MinSNR, MaxSNR] dB, and the noise itself, mixed at exactly that SNR
// (Mix). The speech enhancers of audio/diffwave and audio/specenh both
// train on it.
type Training struct {
	Speech         [][]float64 // trimmed training utterances, the babble talkers
	Voices         []string    // the voice of each utterance
	MinSNR, MaxSNR float64
}

// Draw returns clean mixed with noise drawn from rng. voice is the clean
// clip's voice, which the babble avoids (after 100 tries at a talker it
// takes any utterance, so a set of one voice still makes babble). The draws
// are, in order: the kind, the babble's utterances and offsets, the SNR,
// then Mix's.
func (t *Training) Draw(clean []float64, voice string, rng *tensor.RNG) ([]float64, error) {
	L := len(clean)
	var nz []float64
	switch TrainingKinds[rng.Intn(len(TrainingKinds))] {
	case "white":
		nz = White(L, rng)
	case "pink":
		nz = Pink(L, rng)
	default:
		talkers := make([][]float64, BabbleTalkers)
		for k := range talkers {
			var utts [][]float64
			total := 0
			for tries := 0; total < 2*L; tries++ {
				j := rng.Intn(len(t.Speech))
				if t.Voices[j] == voice && tries < 100 {
					continue
				}
				utts = append(utts, t.Speech[j])
				total += len(t.Speech[j])
			}
			var err error
			if talkers[k], err = Concat(utts, rng.Intn(len(utts[0])), L); err != nil {
				return nil, err
			}
		}
		var err error
		if nz, err = Babble(talkers, L); err != nil {
			return nil, err
		}
	}
	snr := t.MinSNR + (t.MaxSNR-t.MinSNR)*rng.Uniform()
	noisy, _, err := Mix(clean, nz, snr)
	return noisy, err
}
