package enhance

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"sync"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/dsp"
	"github.com/diffusego/diffusego/audio/noise"
	"github.com/diffusego/diffusego/audio/quality"
	"github.com/diffusego/diffusego/tensor"
)

// Noise kinds of the evaluation.
const (
	White  = "white"
	Babble = "babble"
)

// BabbleTalkers is how many talkers make the evaluation's babble.
const BabbleTalkers = 4

// Segmental SNR frames of the evaluation: 256 samples (32 ms at 8 kHz),
// hop 128.
const SegFrame, SegHop = 256, 128

// Case is one clean test clip with its noises, each as long as the clip
// and not yet scaled to an SNR.
type Case struct {
	Clean []float64
	Voice string
	Digit int
	Noise map[string][]float64 // by kind: White (N(0, 1)) and Babble (unit RMS)
}

// Entry is one row of an evaluation: a method and whether it is given the
// true noise (an oracle) or must estimate it.
type Entry struct {
	Name      string
	Method    Method
	TrueNoise bool
}

// Passthrough returns the noisy input unchanged: the evaluation's
// reference row.
type Passthrough struct{}

// Name implements Method.
func (Passthrough) Name() string { return "noisy input (no processing)" }

// Denoise implements Method.
func (Passthrough) Denoise(noisy []float64, _ int, _ []float64) ([]float64, error) {
	return append([]float64(nil), noisy...), nil
}

// Baselines are the rows of docs/audio.md: the noisy input, spectral
// subtraction and the Wiener filter each blind and with the true noise
// PSD, and sox noisered with the true noise profile.
func Baselines() []Entry {
	ss, wf, sox := SpectralSubtraction{}, Wiener{}, SoxNoiseRed{}
	return []Entry{
		{Passthrough{}.Name(), Passthrough{}, false},
		{ss.Name() + ", noise PSD from the first frames", ss, false},
		{ss.Name() + ", true noise PSD", ss, true},
		{wf.Name() + ", noise PSD from the first frames", wf, false},
		{wf.Name() + ", true noise PSD", wf, true},
		{sox.Name(), sox, true},
	}
}

// DigitCases draws n clips of the test split of the spoken-digit data set
// in dir, with seed, and gives each its noises: white Gaussian noise, and
// babble of BabbleTalkers talkers at equal loudness, each a stream of test
// utterances by voices other than the clip's (trimmed of silence, joined
// end to end from a random offset, so the babble has no gaps). The same
// data set, n and seed give the same cases, so that methods added later
// are measured on exactly the clips and noise of earlier tables.
func DigitCases(dir string, n int, seed uint64) ([]Case, error) {
	all, err := digits.ReadManifest(filepath.Join(dir, digits.ManifestName))
	if err != nil {
		return nil, err
	}
	test := digits.Select(all, digits.Test)
	if len(test) < n || n < 1 {
		return nil, fmt.Errorf("enhance: %d test clips, want at least %d (and n ≥ 1)", len(test), n)
	}
	voices := map[string]bool{}
	for _, c := range test {
		voices[c.Voice] = true
	}
	if len(voices) < 2 {
		return nil, fmt.Errorf("enhance: %d test voices: babble needs at least 2", len(voices))
	}
	load := func(c digits.Clip) ([]float64, error) {
		a, err := audio.ReadFile(filepath.Join(dir, c.File))
		if err != nil {
			return nil, err
		}
		if a.Rate != digits.Rate || a.Channels() != 1 {
			return nil, fmt.Errorf("enhance: %s: %d Hz, %d channels: want %d Hz mono", c.File, a.Rate, a.Channels(), digits.Rate)
		}
		return a.Data[0], nil
	}
	speech := make([][]float64, len(test))
	for j, c := range test {
		x, err := load(c)
		if err != nil {
			return nil, err
		}
		speech[j] = digits.Trim(x, digits.Rate, digits.TrimDB)
	}
	rng := tensor.NewRNG(seed)
	perm := rng.Perm(len(test))
	cases := make([]Case, n)
	for i := range n {
		c := test[perm[i]]
		x, err := load(c)
		if err != nil {
			return nil, err
		}
		crng := rng.Split(uint64(i))
		var talkers [][]float64
		for range BabbleTalkers {
			var utts [][]float64
			total := 0
			for total < 2*len(x) {
				j := crng.Intn(len(test))
				if test[j].Voice == c.Voice || len(speech[j]) == 0 {
					continue
				}
				utts = append(utts, speech[j])
				total += len(speech[j])
			}
			stream, err := noise.Concat(utts, crng.Intn(len(utts[0])), len(x))
			if err != nil {
				return nil, err
			}
			talkers = append(talkers, stream)
		}
		babble, err := noise.Babble(talkers, len(x))
		if err != nil {
			return nil, err
		}
		white := noise.White(len(x), rng.Split(1<<32+uint64(i)))
		cases[i] = Case{Clean: x, Voice: c.Voice, Digit: c.Digit, Noise: map[string][]float64{White: white, Babble: babble}}
	}
	return cases, nil
}

// Scores are one entry's per-case metrics in one condition.
type Scores struct{ SISDRi, SegSNR, LSD []float64 }

// Table is the result of Evaluate: Input[k][s] is the SI-SDR of the noisy
// input per case and Scores[k][s][e] entry e's scores, for noise kind k at
// SNR s.
type Table struct {
	Kinds   []string
	SNRs    []float64
	Entries []Entry
	Input   [][][]float64
	Scores  [][][]Scores
}

// Evaluate mixes each case's noise of each kind at each SNR (noise.Mix),
// runs every entry on the noisy clip (with the scaled noise when the entry
// is given the true noise) and scores the result against the clean clip:
// SI-SDR improvement, segmental SNR (SegFrame, SegHop) and log-spectral
// distance (256-point STFT, hop 64). Cases run on two goroutines, so at
// most two sox processes run at a time; the result does not depend on it.
func Evaluate(cases []Case, rate int, kinds []string, snrs []float64, entries []Entry) (*Table, error) {
	n := len(cases)
	t := &Table{Kinds: kinds, SNRs: snrs, Entries: entries}
	t.Input = make([][][]float64, len(kinds))
	t.Scores = make([][][]Scores, len(kinds))
	for k := range kinds {
		t.Input[k] = make([][]float64, len(snrs))
		t.Scores[k] = make([][]Scores, len(snrs))
		for s := range snrs {
			t.Input[k][s] = make([]float64, n)
			t.Scores[k][s] = make([]Scores, len(entries))
			for e := range entries {
				t.Scores[k][s][e] = Scores{make([]float64, n), make([]float64, n), make([]float64, n)}
			}
		}
	}
	stft, _ := dsp.NewSTFT(256, 64) // constant sizes NewSTFT accepts
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	jobs := make(chan int)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if err := t.score(cases[i], i, rate, stft); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("enhance: case %d (%s, digit %d): %w", i, cases[i].Voice, cases[i].Digit, err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return t, nil
}

// score fills case i's entries of t.
func (t *Table) score(c Case, i, rate int, stft *dsp.STFT) error {
	for k, kind := range t.Kinds {
		nz, ok := c.Noise[kind]
		if !ok {
			return fmt.Errorf("no %s noise", kind)
		}
		for s, snr := range t.SNRs {
			noisy, scaled, err := noise.Mix(c.Clean, nz, snr)
			if err != nil {
				return err
			}
			if t.Input[k][s][i], err = quality.SISDR(noisy, c.Clean); err != nil {
				return err
			}
			for e, entry := range t.Entries {
				var given []float64
				if entry.TrueNoise {
					given = scaled
				}
				est, err := entry.Method.Denoise(noisy, rate, given)
				if err != nil {
					return fmt.Errorf("%s: %w", entry.Name, err)
				}
				r := t.Scores[k][s][e]
				if r.SISDRi[i], err = quality.SISDRi(est, noisy, c.Clean); err != nil {
					return err
				}
				if r.SegSNR[i], err = quality.SegSNR(est, c.Clean, SegFrame, SegHop); err != nil {
					return err
				}
				if r.LSD[i], err = quality.LSD(est, c.Clean, stft); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Markdown writes one table per metric (rows: entries; columns: kind and
// SNR) with mean ± standard error over cases, then the input SI-SDR.
func (t *Table) Markdown(w io.Writer) {
	metrics := []struct {
		title string
		get   func(Scores) []float64
	}{
		{"SI-SDR improvement (dB, higher is better)", func(r Scores) []float64 { return r.SISDRi }},
		{"segmental SNR (dB, frames clamped to [−10, 35], higher is better)", func(r Scores) []float64 { return r.SegSNR }},
		{"log-spectral distance (dB, lower is better)", func(r Scores) []float64 { return r.LSD }},
	}
	for _, mt := range metrics {
		fmt.Fprintf(w, "**%s**\n\n| method |", mt.title)
		for _, kind := range t.Kinds {
			for _, snr := range t.SNRs {
				fmt.Fprintf(w, " %s %g dB |", kind, snr)
			}
		}
		fmt.Fprint(w, "\n| --- |"+strings.Repeat(" ---: |", len(t.Kinds)*len(t.SNRs))+"\n")
		for e, entry := range t.Entries {
			fmt.Fprintf(w, "| %s |", entry.Name)
			for k := range t.Kinds {
				for s := range t.SNRs {
					fmt.Fprintf(w, " %s |", MeanSE(mt.get(t.Scores[k][s][e])))
				}
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprint(w, "SI-SDR of the noisy input, for reference:")
	for k, kind := range t.Kinds {
		for s, snr := range t.SNRs {
			fmt.Fprintf(w, " %s at %g dB: %s dB;", kind, snr, MeanSE(t.Input[k][s]))
		}
	}
	fmt.Fprintln(w)
}

// MeanSE formats the mean of x ± its standard error, s/√n, to 2 decimals.
func MeanSE(x []float64) string {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	ss := 0.0
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	se := 0.0
	if len(x) > 1 {
		se = math.Sqrt(ss / float64(len(x)-1) / float64(len(x)))
	}
	return fmt.Sprintf("%.2f ± %.2f", m, se)
}
