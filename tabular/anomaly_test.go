package tabular

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
)

// AnomalyScores: the total is the sum of the cells, the target of a
// conditional model contributes 0, a row's scores do not depend on the
// other rows of the batch, the same seed gives the same bits, and a row
// with a swapped-in extreme value scores above the same row intact once
// the model has learnt a little. Budget: 200 iterations of a 2×32 MLP.
func TestAnomalyScores(t *testing.T) {
	_, f := load(t, "penguins.json", &Config{NA: []string{"."}, Target: "Species"})
	ctx := context.Background()
	m, err := TrainModel(ctx, f, ScaleStandard, tiny, TrainOptions{Iters: 200, Batch: 64, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	sub := f.Subset([]int{0, 1, 2, 3})
	opt := AnomalyOptions{Draws: 3, Seed: 5, Steps: []int{1, 2, 4}}
	s, err := m.AnomalyScores(ctx, m.Tr.Encode(sub), opt)
	if err != nil {
		t.Fatal(err)
	}
	species := f.Schema.Index("Species")
	for i := range 4 {
		sum := 0.0
		for _, v := range s.Cells[i] {
			sum += v
		}
		if math.Abs(sum-s.Total[i]) > 1e-12 || !(s.Total[i] > 0) {
			t.Errorf("row %d: total %v, cells sum to %v: want equal and positive", i, s.Total[i], sum)
		}
		if s.Cells[i][species] != 0 {
			t.Errorf("row %d: the target contributes %v, want 0", i, s.Cells[i][species])
		}
	}
	one, err := m.AnomalyScores(ctx, m.Tr.Encode(f.Subset([]int{2})), opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(one.Cells[0], s.Cells[2]) {
		t.Errorf("row 2 alone %v, in a batch %v: want the same bits", one.Cells[0], s.Cells[2])
	}
	// Row 0 with its body mass replaced by 3× the largest seen.
	mass := f.Schema.Index("Body Mass (g)")
	bad := f.Subset([]int{0})
	bad.Cols[mass][0] = 3 * slices.Max(f.Cols[mass])
	b, err := m.AnomalyScores(ctx, m.Tr.Encode(bad), opt)
	if err != nil {
		t.Fatal(err)
	}
	if b.Cells[0][mass] <= s.Cells[0][mass] || b.Total[0] <= s.Total[0] {
		t.Errorf("extreme body mass: cell %.4g, total %.4g; intact %.4g, %.4g: want both higher",
			b.Cells[0][mass], b.Total[0], s.Cells[0][mass], s.Total[0])
	}
	if _, err := m.AnomalyScores(ctx, m.Tr.Encode(sub), AnomalyOptions{Steps: []int{20}}); err == nil || !strings.Contains(err.Error(), "step 20") {
		t.Errorf("step past T: err = %v", err)
	}
	if _, err := m.AnomalyScores(ctx, &Encoded{}, opt); err == nil {
		t.Error("no rows: no error")
	}
}
