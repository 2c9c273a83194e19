package pipelines

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/diffusego/diffusego/anomaly"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/pipeline"
)

// AnomalyConfig is the anomaly pipeline: the images of Images scored with
// Model, thresholds from the normal images Val, one CSV at Out as diffuse
// anomaly writes it.
type AnomalyConfig struct {
	Model  Model
	Spec   jobs.AnomalySpec
	Images string // image source, as diffuse anomaly --images
	Val    string // normal images, as --val
	Data   string // Fashion-MNIST folder for fashion-mnist: sources
	Out    string // CSV file, local or gs://…
	Shards int    // 0: one per chunk
}

// Anomaly builds the anomaly pipeline: the thresholds from Val, once
// (jobs.AnomalySpec.Thresholds); shard numbers → the scores of each shard's
// whole chunks (jobs.AnomalySpec.Score, as diffuse anomaly --shard scores
// them) → one merge (jobs.MergeAnomaly, as diffuse merge) → the CSV one
// diffuse anomaly run writes. p is the model the launcher loaded, to check
// the spec and count the images.
func Anomaly(s beam.Scope, p *pipeline.Pipeline, cfg AnomalyConfig) error {
	if _, err := cfg.Spec.Detector(p); err != nil {
		return err
	}
	u := p.Model.UNet
	images, err := jobs.LoadImageSource(cfg.Images, "--images", cfg.Data, u.ImageSize, u.InChannels)
	if err != nil {
		return err
	}
	total := images.X.Dim(0)
	k := shardCount((total+cfg.Spec.Chunk-1)/cfg.Spec.Chunk, cfg.Shards, 1)
	s = s.Scope("anomaly")
	th := beam.ParDo(s, &thresholdFn{Model: cfg.Model, Spec: cfg.Spec, Val: cfg.Val, Data: cfg.Data}, beam.Impulse(s))
	parts := beam.ParDo(s, &anomalyFn{Model: cfg.Model, Spec: cfg.Spec, Images: cfg.Images, Data: cfg.Data, Shards: k},
		shardIndices(s, k), beam.SideInput{Input: th})
	gather(s, &anomalyMergeFn{Out: cfg.Out}, parts)
	return nil
}

// thresholdFn scores the normal images once and emits the thresholds as
// JSON.
type thresholdFn struct {
	Model     Model
	Spec      jobs.AnomalySpec
	Val, Data string
}

// ProcessElement emits the thresholds (anomaly.Thresholds as JSON).
func (f *thresholdFn) ProcessElement(ctx context.Context, _ []byte, emit func([]byte)) error {
	p, err := f.Model.Load(ctx)
	if err != nil {
		return err
	}
	det, err := f.Spec.Detector(p)
	if err != nil {
		return err
	}
	u := p.Model.UNet
	val, err := jobs.LoadImageSource(f.Val, "--val", f.Data, u.ImageSize, u.InChannels)
	if err != nil {
		return err
	}
	th, err := f.Spec.Thresholds(ctx, det, val)
	if err != nil {
		return err
	}
	b, err := json.Marshal(th)
	if err != nil {
		return err
	}
	emit(b)
	return nil
}

// anomalyFn scores one shard's chunks.
type anomalyFn struct {
	Model        Model
	Spec         jobs.AnomalySpec
	Images, Data string
	Shards       int

	det    *anomaly.Detector
	images *jobs.ImageSet
}

// Setup builds the model and reads the image list once per DoFn instance.
func (f *anomalyFn) Setup(ctx context.Context) error {
	p, err := f.Model.Load(ctx)
	if err != nil {
		return err
	}
	if f.det, err = f.Spec.Detector(p); err != nil {
		return err
	}
	u := p.Model.UNet
	f.images, err = jobs.LoadImageSource(f.Images, "--images", f.Data, u.ImageSize, u.InChannels)
	return err
}

// anomalyPart is one shard's scores on their way to the merge.
type anomalyPart struct {
	Part jobs.AnomalyPart
	CSV  []byte
}

// ProcessElement emits shard i's CSV with its record (as JSON).
func (f *anomalyFn) ProcessElement(ctx context.Context, i int, thIter func(*[]byte) bool, emit func([]byte)) error {
	var raw []byte
	if !thIter(&raw) {
		return fmt.Errorf("anomaly: no thresholds")
	}
	var th anomaly.Thresholds
	if err := json.Unmarshal(raw, &th); err != nil {
		return fmt.Errorf("anomaly: thresholds: %w", err)
	}
	part := shard(i, f.Shards)
	total := f.images.X.Dim(0)
	lo, hi, err := f.Spec.Span(total, &part)
	if err != nil {
		return err
	}
	_, rows, err := f.Spec.Score(ctx, f.det, f.images, lo, hi, th)
	if err != nil {
		return err
	}
	b, err := json.Marshal(anomalyPart{Part: jobs.AnomalyPart{Shard: part.I, Shards: part.N, First: lo, Count: hi - lo,
		Total: total, Chunk: f.Spec.Chunk, Checkpoint: f.Model.Hash, Thresholds: th}, CSV: rows})
	if err != nil {
		return err
	}
	emit(b)
	return nil
}

// anomalyMergeFn joins the shards' CSVs and writes the CSV.
type anomalyMergeFn struct {
	Out string
}

// ProcessElement merges every part (the side input) into the CSV.
func (f *anomalyMergeFn) ProcessElement(ctx context.Context, _ []byte, iter func(*[]byte) bool) error {
	var parts []jobs.AnomalyPartFile
	for _, b := range readParts(iter) {
		var p anomalyPart
		if err := json.Unmarshal(b, &p); err != nil {
			return fmt.Errorf("anomaly part: %w", err)
		}
		parts = append(parts, jobs.AnomalyPartFile{File: fmt.Sprintf("anomaly part of shard %d", p.Part.Shard), Part: p.Part, CSV: p.CSV})
	}
	csv, err := jobs.MergeAnomaly(parts)
	if err != nil {
		return err
	}
	return writeFile(ctx, f.Out, csv)
}

func init() {
	register.DoFn3x1[context.Context, []byte, func([]byte), error](&thresholdFn{})
	register.DoFn4x1[context.Context, int, func(*[]byte) bool, func([]byte), error](&anomalyFn{})
	register.DoFn3x1[context.Context, []byte, func(*[]byte) bool, error](&anomalyMergeFn{})
}
