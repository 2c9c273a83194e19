package series

import (
	"encoding/json"
	"os"
	"testing"
)

// TestScoresMatchCSDI compares Accumulator with CSDI's own code run by
// testdata/make_golden.py (torch): calc_quantile_CRPS, the median's MAE and
// RMSE from CSDI's evaluate loop, and coverage by torch.quantile. CSDI's
// quantile_loss rounds the weight 1{x ≤ F⁻¹(q)} − q to float32 (a bool tensor
// times 1.0 is float32), so its CRPS agrees to about 1e-8 relative; with the
// weight in float64 it agrees to rounding. Case 1 has
// an even sample count (torch.median's lower middle value), case 2 a single
// sample (a point forecast).
func TestScoresMatchCSDI(t *testing.T) {
	b, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Cases []struct {
			Target  [][][]float64   // (B, L, K)
			Samples [][][][]float64 // (B, S, L, K)
			Mask    [][][]float64   // (B, L, K) 1 = target
			CRPS    float64         // calc_quantile_CRPS itself
			CRPS64  float64         // the same with its weight 1{x ≤ F⁻¹(q)} − q in float64
			MAE     float64
			RMSE    float64
			Cover50 float64
			Cover90 float64
		}
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) == 0 {
		t.Fatal("no cases in golden.json")
	}
	for i, c := range g.Cases {
		var acc Accumulator
		for b := range c.Target {
			target := make([][]bool, len(c.Mask[b]))
			for l, row := range c.Mask[b] {
				target[l] = make([]bool, len(row))
				for k, v := range row {
					target[l][k] = v == 1
				}
			}
			if err := acc.Add(c.Target[b], target, c.Samples[b]); err != nil {
				t.Fatal(err)
			}
		}
		got, err := acc.Scores()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []struct {
			name      string
			got, want float64
		}{{"CRPS (float64 weight)", got.CRPS, c.CRPS64}, {"MAE", got.MAE, c.MAE}, {"RMSE", got.RMSE, c.RMSE}, {"Cover50", got.Cover50, c.Cover50}, {"Cover90", got.Cover90, c.Cover90}} {
			if !near(v.got, v.want, 1e-12) {
				t.Errorf("case %d: %s = %.15g, CSDI's code gives %.15g", i+1, v.name, v.got, v.want)
			}
		}
		if !near(got.CRPS, c.CRPS, 1e-7) {
			t.Errorf("case %d: CRPS = %.15g, calc_quantile_CRPS gives %.15g", i+1, got.CRPS, c.CRPS)
		}
	}
}
