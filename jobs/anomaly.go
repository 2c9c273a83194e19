package jobs

import (
	"bytes"
	"context"
	"fmt"

	"github.com/diffusego/diffusego/anomaly"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/restore"
)

// AnomalySpec is how diffuse anomaly scores images (see its --help).
type AnomalySpec struct {
	Class      int       // normal class of a class-conditional model; −1 for an unconditional one
	Sigmas     []float64 // noise levels of the reconstruction score
	Seeds      int       // noise draws per level
	ReconSteps int       // DDPM steps back (0: one network call)
	Terms      int       // ELBO terms, stratified (0: all)
	Quantile   float64   // threshold = this quantile of the validation scores
	Seed       uint64
	Chunk      int // images scored together; scores depend on it
}

// Detector is the anomaly.Detector of the spec on the model p, refusing a
// class that does not fit the model (a *RequestError).
func (s AnomalySpec) Detector(p *pipeline.Pipeline) (*anomaly.Detector, error) {
	cfg := p.Model.UNet
	switch {
	case cfg.Classes > 0 && s.Class < 0:
		return nil, requestf("--class: the model is class-conditional (%d classes): give the normal class 0 … %d", cfg.Classes, cfg.Classes-1)
	case cfg.Classes == 0 && s.Class != -1:
		return nil, requestf("--class %d: the model is unconditional: leave --class out", s.Class)
	case cfg.Classes > 0 && s.Class >= cfg.Classes:
		return nil, requestf("--class %d: the model has classes 0 … %d", s.Class, cfg.Classes-1)
	}
	return &anomaly.Detector{Pipeline: p, Class: s.Class, ELBOTerms: s.Terms, ELBOSeed: s.Seed, Chunk: s.Chunk,
		Recon: restore.ReconOptions{Sigmas: s.Sigmas, Seeds: s.Seeds, Seed: s.Seed,
			Denoise: restore.DenoiseOptions{OneShot: s.ReconSteps == 0, Steps: s.ReconSteps, Sampler: sampler.DDPM{},
				SigmaMin: p.Schedule.Sigma(0)}}}, nil
}

// Thresholds scores the normal images val and picks the thresholds at the
// spec's quantile.
func (s AnomalySpec) Thresholds(ctx context.Context, det *anomaly.Detector, val *ImageSet) (anomaly.Thresholds, error) {
	vs, err := det.Score(ctx, val.X)
	if err != nil {
		return anomaly.Thresholds{}, fmt.Errorf("--val: %w", err)
	}
	return anomaly.PickThresholds(vs, s.Quantile)
}

// AnomalyPart is the record of one shard's scores (OUT.part.json of a
// sharded diffuse anomaly run).
type AnomalyPart struct {
	Shard      int                `json:"shard"`
	Shards     int                `json:"shards"`
	First      int                `json:"first"` // global index of the CSV's first row
	Count      int                `json:"count"`
	Total      int                `json:"total"` // images in the whole run
	Chunk      int                `json:"chunk"`
	Checkpoint string             `json:"checkpoint_sha256"`
	Thresholds anomaly.Thresholds `json:"thresholds"`
}

// Span is the images [lo, hi) the part of images scores: whole chunks
// (Shard.ChunkSpan), all of them when part is nil. A shard with no chunk
// is a *RequestError.
func (s AnomalySpec) Span(total int, part *Shard) (lo, hi int, err error) {
	if part == nil {
		return 0, total, nil
	}
	lo, hi = part.ChunkSpan(total, s.Chunk)
	if lo == hi {
		k := (total + s.Chunk - 1) / s.Chunk
		return 0, 0, requestf("--shards %d: %s gets none of the %d chunks of %d images; use at most %d shards", part.N, *part, k, total, k)
	}
	return lo, hi, nil
}

// Score scores images [lo, hi) of images with det, in chunks counted from
// lo, and returns them as CSV rows with global indices under the CSV
// header (anomaly.EncodeCSV).
func (s AnomalySpec) Score(ctx context.Context, det *anomaly.Detector, images *ImageSet, lo, hi int, th anomaly.Thresholds) (*anomaly.Scores, []byte, error) {
	sub := images.Slice(lo, hi)
	scores, err := det.Score(ctx, sub.X)
	if err != nil {
		return nil, nil, fmt.Errorf("--images: %w", err)
	}
	var buf bytes.Buffer
	if err := anomaly.EncodeCSV(&buf, lo, sub.Names, sub.Labels, scores, th); err != nil {
		return nil, nil, err
	}
	return scores, buf.Bytes(), nil
}

// AnomalyPartFile is one shard's CSV with its record and the name it is
// known by in errors.
type AnomalyPartFile struct {
	File string
	Part AnomalyPart
	CSV  []byte
}

// MergeAnomaly joins the score CSVs of a sharded anomaly run, in global
// order, into the CSV of the whole run.
func MergeAnomaly(files []AnomalyPartFile) ([]byte, error) {
	recs := make([]PartRecord, len(files))
	byFile := map[string]AnomalyPartFile{}
	bodies := map[string][]byte{}
	var header []byte
	for i, f := range files {
		p := f.Part
		h, body, _ := bytes.Cut(f.CSV, []byte("\n"))
		if header == nil {
			header = h
		} else if !bytes.Equal(h, header) {
			return nil, fmt.Errorf("merge: %s: header %q, %s has %q", f.File, h, files[0].File, header)
		}
		if rows := bytes.Count(body, []byte("\n")); rows != p.Count {
			return nil, fmt.Errorf("merge: %s: %d rows, its record says %d", f.File, rows, p.Count)
		}
		byFile[f.File], bodies[f.File] = f, body
		recs[i] = PartRecord{File: f.File, Shard: p.Shard, Shards: p.Shards, First: p.First, Count: p.Count, Size: p.Total, Checkpoint: p.Checkpoint, Chunk: p.Chunk}
	}
	recs, err := CheckParts(recs)
	if err != nil {
		return nil, err
	}
	a := byFile[recs[0].File].Part
	for _, r := range recs[1:] {
		if p := byFile[r.File].Part; p.Thresholds != a.Thresholds {
			return nil, fmt.Errorf("merge: %s has thresholds %+v, %s %+v: the shards scored other --val images or --quantile", r.File, p.Thresholds, recs[0].File, a.Thresholds)
		}
	}
	out := append(append([]byte{}, header...), '\n')
	for _, r := range recs {
		out = append(out, bodies[r.File]...)
	}
	return out, nil
}
