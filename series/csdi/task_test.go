package csdi

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/series"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// synthetic is a two-column series of n rows: a sine and its negative plus
// noise, with a few missing cells.
func synthetic(n int) *series.Series {
	s := &series.Series{File: "synthetic", TimeName: "t", Columns: []string{"c0", "c1"}}
	rng := tensor.NewRNG(9)
	for t := range n {
		x := math.Sin(float64(t) / 3)
		row := []float64{x, -x + 0.1*rng.Normal()}
		if t%7 == 3 {
			row[1] = math.NaN()
		}
		s.Steps = append(s.Steps, float64(t))
		s.Values = append(s.Values, row)
	}
	return s
}

// tinyModel is a tiny model of s's columns with windows of l rows.
func tinyModel(t *testing.T, s *series.Series, l int, uncond bool) *Model {
	t.Helper()
	c := tinyConfig(2, l, 0, uncond)
	c.Columns = s.Columns
	sc, err := series.FitScaler(s.Columns, s.Values)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(c, sc, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newTrainer(t *testing.T, m *Model, s *series.Series, steps int) *train.Trainer {
	t.Helper()
	task, err := NewTask(m, s, 3, DefaultMasks)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := train.NewTask(task, train.Options{Steps: steps, LR: 3e-3, EMADecay: 0.9, Seed: 4, ClipNorm: 1})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestResumeExact: a run stopped after 2 of 4 steps, saved and resumed from
// its checkpoint ends with the same bits as one that never stopped, and the
// checkpoint loads back as the same model (configuration, scaler, weights).
func TestResumeExact(t *testing.T) {
	s := synthetic(40)
	whole := newTrainer(t, tinyModel(t, s, 6, false), s, 4)
	if err := whole.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := newTrainer(t, tinyModel(t, s, 6, false), s, 4)
	for range 2 {
		if _, err := first.TrainStep(); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "ckpt.safetensors")
	m := first.Task.(*Task).Model
	meta, err := m.Meta()
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Save(path, meta); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(path, false)
	if err != nil {
		t.Fatal(err)
	}
	resumed := newTrainer(t, loaded, s, 4)
	if err := resumed.Load(path); err != nil {
		t.Fatal(err)
	}
	if err := resumed.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	a, b := whole.Params(), resumed.Params()
	for i := range a {
		for j, v := range a[i].V.Value.Data {
			if w := b[i].V.Value.Data[j]; math.Float32bits(v) != math.Float32bits(w) {
				t.Fatalf("%s[%d]: %v after an uninterrupted run, %v after resuming", a[i].Name, j, v, w)
			}
		}
	}
	for i, l := range whole.Losses {
		if resumed.Losses[i] != l {
			t.Fatalf("loss %d: %v uninterrupted, %v resumed", i, l, resumed.Losses[i])
		}
	}
	if loaded.Scaler.Mean[1] != m.Scaler.Mean[1] || loaded.Config.Window != 6 {
		t.Errorf("loaded scaler mean %v, window %d; want %v and 6", loaded.Scaler.Mean, loaded.Config.Window, m.Scaler.Mean)
	}
}

// TestLoadRefuses: a checkpoint without the series header, or one whose
// weights have other shapes, is refused with the file named.
func TestLoadRefuses(t *testing.T) {
	s := synthetic(30)
	m := tinyModel(t, s, 6, false)
	tr := newTrainer(t, m, s, 2)
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.safetensors")
	if err := tr.Save(plain, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(plain, false); err == nil || !strings.Contains(err.Error(), plain) || !strings.Contains(err.Error(), ConfigKey) {
		t.Errorf("Load of a checkpoint without %q: err = %v, want one naming the file and the key", ConfigKey, err)
	}
	meta, _ := m.Meta()
	c := m.Config
	c.Channels = 8
	other, _ := NewModel(c, m.Scaler, tensor.NewRNG(1))
	otherMeta, _ := other.Meta()
	meta[ConfigKey] = otherMeta[ConfigKey]
	wrong := filepath.Join(dir, "wrong.safetensors")
	if err := tr.Save(wrong, meta); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(wrong, false); err == nil || !strings.Contains(err.Error(), wrong) {
		t.Errorf("Load of weights of another width: err = %v, want one naming the file", err)
	}
}

// TestTaskLoss: with ε̂ = 0 at the start, the masked loss is the
// mean of ε² over the target cells, about 1; and NewTask refuses data
// shorter than a window, with the file named.
func TestTaskLoss(t *testing.T) {
	s := synthetic(40)
	tr := newTrainer(t, tinyModel(t, s, 6, false), s, 50)
	loss, err := tr.TrainStep()
	if err != nil {
		t.Fatal(err)
	}
	if loss < 0.5 || loss > 1.6 {
		t.Errorf("first loss %v, want about 1 (ε̂ starts at 0)", loss)
	}
	if _, err := NewTask(tinyModel(t, s, 6, false), synthetic(5), 2, DefaultMasks); err == nil || !strings.Contains(err.Error(), "synthetic") {
		t.Errorf("NewTask on 5 rows with windows of 6: err = %v, want one naming the data", err)
	}
}

// TestTargetMasks: every kind of training mask hides only observed cells,
// the forecast mask hides whole final rows, and the unconditional model's
// target is every observed cell.
func TestTargetMasks(t *testing.T) {
	s := synthetic(40)
	for _, tc := range []struct {
		name  string
		masks Masks
	}{{"random", Masks{Random: 1}}, {"block", Masks{Block: 1}}, {"forecast", Masks{Forecast: 1, MaxHorizon: 3}}, {"historical", Masks{Historical: 1}}} {
		task, err := NewTask(tinyModel(t, s, 6, false), s, 2, tc.masks)
		if err != nil {
			t.Fatal(err)
		}
		rng := tensor.NewRNG(2)
		hidden := 0
		for i := range 50 {
			obs := task.obs[i%30 : i%30+6]
			m := task.targetMask(obs, rng)
			for r := range m {
				for d := range m[r] {
					if m[r][d] && !obs[r][d] {
						t.Fatalf("%s: row %d column %d hidden but not observed", tc.name, r, d)
					}
				}
			}
			hidden += series.Count(m)
			if tc.name == "forecast" && !m[5][0] {
				t.Errorf("forecast mask %v does not hide the last row", m)
			}
		}
		if hidden == 0 {
			t.Errorf("%s: 50 masks hid nothing", tc.name)
		}
	}
	task, err := NewTask(tinyModel(t, s, 6, true), s, 2, DefaultMasks)
	if err != nil {
		t.Fatal(err)
	}
	obs := task.obs[:6]
	if got := series.Count(task.targetMask(obs, tensor.NewRNG(1))); got != series.Count(obs) {
		t.Errorf("unconditional target hides %d cells, want all %d observed", got, series.Count(obs))
	}
}
