package melgen

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/train"
)

// toneDigits writes a spoken-digit set of tones to a new folder: voices
// v0…v3 (v3 the test voice) say each digit as a tone whose pitch names it.
func toneDigits(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "clips"), 0o755); err != nil {
		t.Fatal(err)
	}
	var clips []digits.Clip
	for v, split := range []string{digits.Train, digits.Train, digits.Train, digits.Test} {
		for d := range 10 {
			x := make([]float64, digits.Samples)
			for j := 2000; j < 5000; j++ {
				x[j] = 0.3 * math.Sin(2*math.Pi*float64(200+100*d+7*v)*float64(j)/digits.Rate)
			}
			c := digits.Clip{File: fmt.Sprintf("clips/d%d_v%d.wav", d, v), Digit: d, Voice: fmt.Sprintf("v%d", v),
				Pitch: 50, Speed: 175, Amplitude: 100, Split: split}
			if err := audio.WriteFile(filepath.Join(dir, c.File), audio.Mono(digits.Rate, x), audio.PCM16, nil); err != nil {
				t.Fatal(err)
			}
			clips = append(clips, c)
		}
	}
	if err := digits.WriteManifest(filepath.Join(dir, digits.ManifestName), clips); err != nil {
		t.Fatal(err)
	}
	return dir
}

// NewTrainer trains on the training voices only (30 of the 40 clips; limit
// keeps the first ones), with the recipe of Objective, and the same seed
// gives the same first loss; a batch larger than the set is refused with
// the data folder named. Time budget: well under a second.
func TestNewTrainer(t *testing.T) {
	dir := toneDigits(t)
	s := Default()
	m, err := DefaultModel(s)
	if err != nil {
		t.Fatal(err)
	}
	m.UNet.Channels, m.UNet.Groups, m.Schedule.Steps = 8, 4, 50
	newTrainer := func(limit, batch int) (*train.Trainer, int, error) {
		p, err := pipeline.New(m, 1)
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewCodec(s)
		if err != nil {
			t.Fatal(err)
		}
		return NewTrainer(&Generator{Pipe: p, Codec: c}, dir, limit, batch, train.Options{Steps: 1, LR: 1e-3, Seed: 3})
	}
	for _, tc := range []struct{ limit, want int }{{0, 30}, {12, 12}} {
		if _, n, err := newTrainer(tc.limit, 4); err != nil || n != tc.want {
			t.Errorf("NewTrainer(limit %d) = %d clips, %v: want %d", tc.limit, n, err, tc.want)
		}
	}
	var first [2]float64
	for i := range first {
		tr, _, err := newTrainer(0, 4)
		if err != nil {
			t.Fatal(err)
		}
		if first[i], err = tr.TrainStep(); err != nil || math.IsNaN(first[i]) || math.IsInf(first[i], 0) {
			t.Fatalf("first step: loss %v, %v", first[i], err)
		}
	}
	if first[0] != first[1] {
		t.Errorf("the same seed gave first losses %v and %v", first[0], first[1])
	}
	if _, _, err := newTrainer(0, 31); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("a batch of 31 from 30 clips: %v, want an error naming %s", err, dir)
	}

	p, _ := pipeline.New(m, 1)
	o := Objective(&Generator{Pipe: p})
	if o.Target != diffusion.Eps || o.Weighting != diffusion.MinSNR || o.Gamma != 5 || o.LabelDropout != 0.1 ||
		o.NullLabel != 10 || !o.Conditional || o.Schedule != p.Schedule {
		t.Errorf("Objective = %+v: want ε target, min-SNR-5 weighting, label dropout 0.1 to the null label 10 on the model's schedule", *o)
	}
}
