package noise

import (
	"fmt"

	"github.com/diffusego/diffusego/audio"
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

// TrainingSet is a denoiser's clean training clips with their voices and
// the Training that draws their noise, the babble made of the clips
// themselves.
type TrainingSet struct {
	Training
	Clean      *tensor.Tensor // the clips, (N, 1, L)
	ClipVoices []string       // the voice of each clip
}

// NewTrainingSet returns the training set of clean clips x: (N, 1, L) with
// their voices, at SNRs uniform in [minSNR, maxSNR] dB; the babble
// talkers are the clips cut by trim (those trimmed to nothing are left
// out), at least 2 of them.
func NewTrainingSet(x *tensor.Tensor, voices []string, minSNR, maxSNR float64, trim func([]float64) []float64) (TrainingSet, error) {
	if x.Rank() != 3 || x.Dim(0) != len(voices) {
		return TrainingSet{}, fmt.Errorf("clips %s and %d voices: want (N, 1, L) and one voice per clip", tensor.FormatShape(x.Shape), len(voices))
	}
	t := TrainingSet{Training: Training{MinSNR: minSNR, MaxSNR: maxSNR}, ClipVoices: voices, Clean: x}
	L := x.Dim(2)
	for i := range x.Dim(0) {
		c := make([]float64, L)
		for j, v := range x.Data[i*L : (i+1)*L] {
			c[j] = float64(v)
		}
		if tr := trim(c); len(tr) > 0 {
			t.Speech = append(t.Speech, tr)
			t.Voices = append(t.Voices, voices[i])
		}
	}
	if len(t.Speech) < 2 {
		return TrainingSet{}, fmt.Errorf("%d non-silent clips: babble needs at least 2", len(t.Speech))
	}
	return t, nil
}

// Mix returns training clip c and a noisy version of it, drawing the
// noise kind, SNR and noise from rng (Draw).
func (t *TrainingSet) Mix(c int, rng *tensor.RNG) (clean, noisy []float64, err error) {
	L := t.Clean.Dim(2)
	clean = make([]float64, L)
	for j, v := range t.Clean.Data[c*L : (c+1)*L] {
		clean[j] = float64(v)
	}
	noisy, err = t.Draw(clean, t.ClipVoices[c], rng)
	return clean, noisy, err
}

// Indices is (N, 1) holding the clip indices 0…N−1, for train.Batches to
// serve batches of clips (idx of Pairs): the tasks mix the audio
// themselves.
func (t *TrainingSet) Indices() *tensor.Tensor {
	idx := tensor.New(t.Clean.Dim(0), 1)
	for i := range idx.Data {
		idx.Data[i] = float32(i)
	}
	return idx
}

// Pairs returns the training clips of one step, idx (a batch of clip
// indices (n, 1), as train.Batches serves them from Indices), each with a
// noisy version (Mix; item i draws from the stream
// rng.Split(1<<20).Split(i), so that an item's noise depends on neither the
// others nor the draws of the loss), both scaled so that the noisy clip's
// largest magnitude is peak (audio.PeakScale): the pairs the denoisers of
// audio/diffwave and audio/specenh train on.
func (t *TrainingSet) Pairs(idx *tensor.Tensor, rng *tensor.RNG, peak float64) (clean, noisy [][]float64, err error) {
	n := idx.Dim(0)
	clean, noisy = make([][]float64, n), make([][]float64, n)
	mix := rng.Split(1 << 20)
	for i := range n {
		if clean[i], noisy[i], err = t.Mix(int(idx.Data[i]), mix.Split(uint64(i))); err != nil {
			return nil, nil, err
		}
		s := audio.PeakScale(noisy[i], peak)
		for j := range clean[i] {
			clean[i][j] *= s
			noisy[i][j] *= s
		}
	}
	return clean, noisy, nil
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
