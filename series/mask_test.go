package series

import (
	"math"
	"reflect"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func observedWithGaps(rows, cols int) [][]bool {
	m := newMask(rows, cols)
	for t := range m {
		for d := range m[t] {
			m[t][d] = (t+d)%5 != 0
		}
	}
	return m
}

func TestRandomMask(t *testing.T) {
	obs := observedWithGaps(100, 3)
	a := RandomMask(obs, 20, 80, 0.3, tensor.NewRNG(1))
	b := RandomMask(obs, 20, 80, 0.3, tensor.NewRNG(1))
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed gave different masks")
	}
	n := Count(obs[20:80])
	if got, want := Count(a), int(math.Round(0.3*float64(n))); got != want {
		t.Errorf("%d targets, want %d (30%% of %d observed)", got, want, n)
	}
	for ti := range a {
		for d, on := range a[ti] {
			if on && (!obs[ti][d] || ti < 20 || ti >= 80) {
				t.Fatalf("target at (%d, %d): observed %v, outside rows [20, 80)", ti, d, obs[ti][d])
			}
		}
	}
}

func TestBlockMask(t *testing.T) {
	obs := newMask(365, 2)
	for ti := range obs {
		obs[ti][0], obs[ti][1] = true, true
	}
	m := BlockMask(obs, 0, 365, 7, 0.5, tensor.NewRNG(2))
	for d := range 2 {
		n := 0
		run := 0
		for ti := range m {
			if m[ti][d] {
				n++
				run++
				continue
			}
			// A run ends: it must be a whole block of 7, or cut by an end.
			if run > 0 && run%7 != 0 && ti-run != 0 {
				t.Errorf("column %d: run of %d ending at row %d, want multiples of 7", d, run, ti)
			}
			run = 0
		}
		if n < 182 || n > 182+7 {
			t.Errorf("column %d: %d targets, want ≥ 182 (half of 365) and at most one block more", d, n)
		}
	}
}

func TestHistoricalMasks(t *testing.T) {
	obs := newMask(20, 1)
	for ti := range obs {
		obs[ti][0] = ti < 10 || ti%2 == 0 // window [10, 15) has gaps at odd rows
	}
	pat := PatternMask(obs[0:5], obs[10:15])
	want := [][]bool{{false}, {true}, {false}, {true}, {false}}
	if !reflect.DeepEqual(pat, want) {
		t.Errorf("PatternMask = %v, want %v", pat, want)
	}
	ms, err := HistoricalMasks(obs, []int{0, 10}, 5, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ms[0], want) || Count(ms[1]) != 0 {
		t.Errorf("HistoricalMasks = %v, want window 0 to take window 1's gaps and window 1 none", ms)
	}
	if _, err := HistoricalMasks(obs, []int{18}, 5, tensor.NewRNG(1)); err == nil {
		t.Error("window past the end: no error")
	}
}

func TestTrainingMask(t *testing.T) {
	obs := observedWithGaps(30, 2)
	pattern := observedWithGaps(30, 2)
	pattern[3][1] = false // one extra gap: the historical target is that cell
	var random, hist int
	shares := 0.0
	rng := tensor.NewRNG(6)
	for range 400 {
		m := TrainingMask(obs, pattern, StrategyMix, rng)
		if Count(m) == 1 && m[3][1] {
			hist++
			continue
		}
		random++
		shares += float64(Count(m)) / float64(Count(obs))
	}
	// Mix: about half each (binomial sd 10 of 400); random shares ~ U(0, 1).
	if hist < 160 || hist > 240 {
		t.Errorf("mix: %d historical and %d random of 400, want about half each", hist, random)
	}
	if mean := shares / float64(random); math.Abs(mean-0.5) > 0.07 {
		t.Errorf("random strategy: mean share %v, want about 0.5 (r ~ U(0, 1))", mean)
	}
	if m := TrainingMask(obs, nil, StrategyHistorical, rng); Count(m) > Count(obs) {
		t.Errorf("historical without a pattern: %d targets of %d observed", Count(m), Count(obs))
	}
}
