package pipelines

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/diffusego/diffusego/jobs"
)

// SampleConfig is the sample pipeline: the images of Spec, written to Out
// under the names diffuse sample gives them, in Shards shards (0: one per
// Spec.Batch images).
type SampleConfig struct {
	Model  Model
	Spec   jobs.SampleSpec
	Out    string // folder, local or gs://…
	Shards int
}

// Sample builds the sample pipeline: shard numbers → images [lo, hi) of
// each (jobs.Sampling.Images, as diffuse sample --shard draws them) →
// PNG files in Out. It returns the names of the files written.
func Sample(s beam.Scope, cfg SampleConfig) (beam.PCollection, error) {
	spec := cfg.Spec.SamplerSpec()
	if _, err := spec.Build(); err != nil {
		return beam.PCollection{}, fmt.Errorf("--sampler: %w", err)
	}
	if !spec.ItemWise() {
		return beam.PCollection{}, fmt.Errorf("--sampler %s (eta %g) draws noise shared by a batch, so its images depend on how the job is split; use euler, heun, dpmpp2m or ddim with --eta 0", cfg.Spec.Sampler, cfg.Spec.Eta)
	}
	if cfg.Spec.N < 1 || cfg.Spec.Batch < 1 {
		return beam.PCollection{}, fmt.Errorf("--n %d, --batch %d: want both ≥ 1", cfg.Spec.N, cfg.Spec.Batch)
	}
	k := shardCount(cfg.Spec.N, cfg.Shards, cfg.Spec.Batch)
	s = s.Scope("sample")
	return beam.ParDo(s, &sampleFn{Model: cfg.Model, Spec: cfg.Spec, Out: cfg.Out, Shards: k}, shardIndices(s, k)), nil
}

// sampleFn draws the images of one shard and writes them.
type sampleFn struct {
	Model  Model
	Spec   jobs.SampleSpec
	Out    string
	Shards int

	job *jobs.Sampling
}

// Setup builds the model once per DoFn instance.
func (f *sampleFn) Setup(ctx context.Context) error {
	p, err := f.Model.Load(ctx)
	if err != nil {
		return err
	}
	f.job, err = f.Spec.Prepare(p)
	return err
}

// ProcessElement draws shard i and writes its PNGs, emitting their names.
func (f *sampleFn) ProcessElement(ctx context.Context, i int, emit func(string)) error {
	lo, hi := shard(i, f.Shards).Span(f.Spec.N)
	files, err := f.job.Images(ctx, lo, hi)
	if err != nil {
		return err
	}
	for _, file := range files {
		if err := writeFile(ctx, join(f.Out, file.Name), file.Data); err != nil {
			return err
		}
		emit(file.Name)
	}
	return nil
}

func init() {
	register.DoFn3x1[context.Context, int, func(string), error](&sampleFn{})
}
