package metrics

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func TestFloorIsDisjointAndSeeded(t *testing.T) {
	x := tensor.New(10, 1)
	for i := range 10 {
		x.Data[i] = float32(i)
	}
	var seen []float32
	metric := func(a, b *tensor.Tensor) (float64, error) {
		seen = append(append(seen[:0], a.Data...), b.Data...)
		return 0, nil
	}
	if _, err := Floor(x, 5, 3, metric); err != nil {
		t.Fatal(err)
	}
	first := append([]float32(nil), seen...)
	set := map[float32]bool{}
	for _, v := range seen {
		set[v] = true
	}
	if len(set) != 10 {
		t.Errorf("Floor halves %v overlap", seen)
	}
	Floor(x, 5, 3, metric)
	if !equalF32(first, seen) {
		t.Errorf("Floor with seed 3 drew %v then %v", first, seen)
	}
	if _, err := Floor(x, 6, 3, metric); err == nil {
		t.Error("Floor of 10 rows into halves of 6: no error")
	}
}

func equalF32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEvaluateReport(t *testing.T) {
	rng := tensor.NewRNG(9)
	real := rng.Randn(400, 8)
	fake := rng.Randn(150, 8)
	for i := range fake.Data {
		fake.Data[i] = fake.Data[i]*0.5 + 1 // too narrow and shifted
	}
	rep, err := Evaluate(real, fake, Options{Seed: 1, Features: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Samples != 150 || rep.RealSamples != 150 || rep.FloorSamples != 150 || rep.K != DefaultK {
		t.Errorf("counts: samples %d real %d floor %d k %d, want 150 150 150 %d", rep.Samples, rep.RealSamples, rep.FloorSamples, rep.K, DefaultK)
	}
	if !(rep.FloorFD < rep.FD/4) {
		t.Errorf("floor FD %.3f, FD %.3f: want the floor far below", rep.FloorFD, rep.FD)
	}
	if !(rep.Recall < rep.FloorRecall) {
		t.Errorf("recall %.3f, floor %.3f: a narrow model should cover less", rep.Recall, rep.FloorRecall)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"samples":150`, `"real_samples":150`, `"fd":`, `"floor_fd":`, `"precision":`, `"recall":`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("report JSON %s lacks %s", b, key)
		}
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil || back != rep {
		t.Errorf("report JSON round trip: %+v, %v; want %+v", back, err, rep)
	}
}

// TestEvaluateRealAsFake: real data scored as samples sits at its floor,
// and a too-small real set gives a floor at half its size.
func TestEvaluateRealAsFake(t *testing.T) {
	real := tensor.NewRNG(3).Randn(300, 4)
	fake := Rows(real, tensor.NewRNG(8).Perm(300)[:100])
	rep, err := Evaluate(real, fake, Options{Seed: 2, K: 5})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Samples != 100 || rep.RealSamples != 100 || rep.FloorSamples != 100 || rep.K != 5 {
		t.Errorf("counts %+v, want 100 samples, real and floor, k 5", rep)
	}
	if !(rep.FD < 3*rep.FloorFD) {
		t.Errorf("real scored as samples: FD %.4f, floor %.4f: want comparable", rep.FD, rep.FloorFD)
	}
	small, err := Evaluate(Rows(real, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}), fake, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if small.RealSamples != 12 || small.FloorSamples != 6 {
		t.Errorf("12 real rows: real %d floor %d, want 12 and 6", small.RealSamples, small.FloorSamples)
	}
	if _, err := Evaluate(real, tensor.New(3, 4), Options{}); err == nil {
		t.Error("Evaluate with 3 samples and k = 3: no error")
	}
}
