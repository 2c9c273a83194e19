package anomaly

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
)

// tinyPipeline is an untrained 8×8 grey U-Net with the given classes.
func tinyPipeline(t *testing.T, classes int) *pipeline.Pipeline {
	t.Helper()
	cfg := unet.Config{ImageSize: 8, InChannels: 1, OutChannels: 1, Channels: 8, ChannelMult: []int{1, 2}, ResBlocks: 1,
		AttentionResolutions: []int{}, Heads: 1, Classes: classes, Groups: 4}
	p, err := pipeline.New(pipeline.Model{UNet: cfg, Schedule: schedule.Config{Name: "cosine", Steps: 100}, Target: diffusion.Eps}, 1)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Score is ReconstructionScores and the ELBO's Total on each chunk, with
// the detector's seeds: the same bits as calling them directly, and the
// same bits twice.
func TestDetectorScoreIsReconAndELBO(t *testing.T) {
	p := tinyPipeline(t, 0)
	x := tensor.NewRNG(2).Rand(-1, 1, 3, 1, 8, 8)
	det := &Detector{Pipeline: p, Class: -1, ELBOTerms: 5, ELBOSeed: 7,
		Recon: restore.ReconOptions{Sigmas: []float64{0.3, 0.8}, Seeds: 2, Seed: 4, Denoise: restore.DenoiseOptions{OneShot: true}}}
	ctx := context.Background()
	got, err := det.Score(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := restore.ReconstructionScores(ctx, p.Denoiser(nil), x, det.Recon)
	if err != nil {
		t.Fatal(err)
	}
	elbo, err := diffusion.ELBO{Schedule: p.Schedule, Terms: 5}.BitsPerDim(ctx, p.Denoiser(nil), x, tensor.NewRNG(7))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Recon, rec) || !slices.Equal(got.ELBO, elbo.Total) {
		t.Errorf("Score = %v, %v; want %v, %v", got.Recon, got.ELBO, rec, elbo.Total)
	}
	again, err := det.Score(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.Recon, got.Recon) || !slices.Equal(again.ELBO, got.ELBO) {
		t.Error("two runs with the same seeds differ")
	}
}

// TestDetectorScoreProgress: Score reports every reconstruction step and
// ELBO term of every chunk, one at a time up to their total, and scores
// as without progress. 3 images in chunks of 2, 2 levels × 2 draws × 3
// steps and 5 ELBO terms + the decoder: 2 × (12 + 6) = 36.
func TestDetectorScoreProgress(t *testing.T) {
	p := tinyPipeline(t, 0)
	x := tensor.NewRNG(2).Rand(-1, 1, 3, 1, 8, 8)
	det := &Detector{Pipeline: p, Class: -1, ELBOTerms: 5, ELBOSeed: 7, Chunk: 2,
		Recon: restore.ReconOptions{Sigmas: []float64{0.3, 0.8}, Seeds: 2, Seed: 4, Denoise: restore.DenoiseOptions{Steps: 3}}}
	ctx := context.Background()
	plain, err := det.Score(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	var counts []int
	det.Progress = func(done, total int) {
		if total != 36 {
			t.Errorf("progress total %d, want 36", total)
		}
		counts = append(counts, done)
	}
	got, err := det.Score(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 36 {
		t.Fatalf("%d progress calls %v, want 36", len(counts), counts)
	}
	for i, c := range counts {
		if c != i+1 {
			t.Fatalf("progress counts %v, want 1, 2, … 36", counts)
		}
	}
	if !slices.Equal(got.Recon, plain.Recon) || !slices.Equal(got.ELBO, plain.ELBO) {
		t.Errorf("scores with progress %v, %v differ from those without %v, %v", got.Recon, got.ELBO, plain.Recon, plain.ELBO)
	}
}

// Check refuses images of another size or channel count, an empty batch,
// and a class that does not fit the model's conditioning.
func TestDetectorRefuses(t *testing.T) {
	uncond, cond := tinyPipeline(t, 0), tinyPipeline(t, 3)
	good := tensor.New(2, 1, 8, 8)
	for _, c := range []struct {
		name string
		det  Detector
		x    *tensor.Tensor
		want string
	}{
		{"other size", Detector{Pipeline: uncond, Class: -1}, tensor.New(2, 1, 9, 9), "(2, 1, 9, 9)"},
		{"other channels", Detector{Pipeline: uncond, Class: -1}, tensor.New(2, 3, 8, 8), "(2, 3, 8, 8)"},
		{"empty batch", Detector{Pipeline: uncond, Class: -1}, tensor.New(0, 1, 8, 8), "N ≥ 1"},
		{"nil batch", Detector{Pipeline: uncond, Class: -1}, nil, "N ≥ 1"},
		{"class for unconditional", Detector{Pipeline: uncond, Class: 0}, good, "unconditional"},
		{"no class for conditional", Detector{Pipeline: cond, Class: -1}, good, "class-conditional"},
		{"class out of range", Detector{Pipeline: cond, Class: 3}, good, "0 … 2"},
		{"no model", Detector{Class: -1}, good, "no model"},
	} {
		_, err := c.det.Score(context.Background(), c.x)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if _, err := (&Detector{Pipeline: cond, Class: 2, ELBOTerms: 2, Recon: restore.ReconOptions{Sigmas: []float64{0.5}, Seeds: 1,
		Denoise: restore.DenoiseOptions{OneShot: true}}}).Score(context.Background(), good); err != nil {
		t.Errorf("conditional model with its class: %v", err)
	}
}

// PickThresholds takes each score's quantile separately; the CSV flags
// exactly the scores above them.
func TestPickThresholdsAndCSV(t *testing.T) {
	val := &Scores{Recon: []float64{1, 2, 3, 4, 5}, ELBO: []float64{50, 10, 40, 20, 30}}
	th, err := PickThresholds(val, 0.75)
	if err != nil {
		t.Fatal(err)
	}
	if th.Recon != 4 || th.ELBO != 40 {
		t.Errorf("PickThresholds(q 0.75) = %+v, want recon 4, elbo 40", th)
	}
	if _, err := PickThresholds(&Scores{}, 0.9); err == nil {
		t.Error("no validation scores: no error")
	}
	path := filepath.Join(t.TempDir(), "s.csv")
	s := &Scores{Recon: []float64{3.5, 4.5}, ELBO: []float64{41, 39}}
	if err := WriteCSV(path, []string{"a.png", "b.png"}, nil, s, th); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"index", "name", "label", "recon", "elbo_bpd", "recon_anomalous", "elbo_anomalous"},
		{"0", "a.png", "", "3.5", "41", "false", "true"},
		{"1", "b.png", "", "4.5", "39", "true", "false"},
	}
	for i := range want {
		if i >= len(rows) || !slices.Equal(rows[i], want[i]) {
			t.Fatalf("csv = %q, want %q", rows, want)
		}
	}
	if err := WriteCSV(path, []string{"a.png"}, nil, s, th); err == nil {
		t.Error("one name for two images: no error")
	}
}
