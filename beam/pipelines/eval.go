package pipelines

import (
	"bytes"
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/models/classifier"
)

// EvalConfig is the eval pipeline: the sample folder Samples scored
// against the Fashion-MNIST test set in Data, the report (JSON, as
// diffuse eval --out writes it) to Out.
type EvalConfig struct {
	Samples string // local folder every worker sees
	Data    string // Fashion-MNIST folder
	Seed    uint64 // seed of the real subsets, as diffuse eval --seed
	Out     string // report file, local or gs://…
	Shards  int    // 0: one per 500 images
}

// Eval builds the eval pipeline: shard numbers → the classifier features
// of each shard's images (jobs.EvalFeatures, as diffuse eval --shard
// extracts them) → one merge (jobs.MergeEval, as diffuse merge) → the
// report of the whole folder.
func Eval(s beam.Scope, cfg EvalConfig) error {
	names, err := jobs.SampleNames(cfg.Samples)
	if err != nil {
		return err
	}
	k := shardCount(len(names), cfg.Shards, 500)
	s = s.Scope("eval")
	parts := beam.ParDo(s, &evalFn{Samples: cfg.Samples, Shards: k}, shardIndices(s, k))
	gather(s, &evalMergeFn{Data: cfg.Data, Seed: cfg.Seed, Out: cfg.Out}, parts)
	return nil
}

// evalFn extracts the features of one shard's images.
type evalFn struct {
	Samples string
	Shards  int

	clf *classifier.CNN
}

// Setup loads the feature network once per DoFn instance.
func (f *evalFn) Setup() error {
	var err error
	f.clf, err = classifier.LoadFashionMNIST()
	return err
}

// ProcessElement emits shard i's eval part (jobs.EncodeEvalPart).
func (f *evalFn) ProcessElement(i int, emit func([]byte)) error {
	rec, feats, err := jobs.EvalFeatures(f.clf, f.Samples, shard(i, f.Shards))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := jobs.EncodeEvalPart(&buf, rec, feats); err != nil {
		return err
	}
	emit(buf.Bytes())
	return nil
}

// evalMergeFn joins the parts and writes the report.
type evalMergeFn struct {
	Data string
	Seed uint64
	Out  string
}

// ProcessElement merges every part (the side input) into the report.
func (f *evalMergeFn) ProcessElement(ctx context.Context, _ []byte, iter func(*[]byte) bool) error {
	var parts []jobs.EvalPartFile
	for i, b := range readParts(iter) {
		name := fmt.Sprintf("eval part %d", i)
		ck, err := checkpoint.Decode(b, name)
		if err != nil {
			return err
		}
		p, x, err := jobs.DecodeEvalPart(ck, name)
		if err != nil {
			return err
		}
		parts = append(parts, jobs.EvalPartFile{File: fmt.Sprintf("eval part of shard %d", p.Shard), Part: p, Features: x})
	}
	folder, fake, right, err := jobs.MergeEval(parts)
	if err != nil {
		return err
	}
	clf, err := classifier.LoadFashionMNIST()
	if err != nil {
		return err
	}
	rep, err := jobs.ScoreFeatures(clf, folder, fake, right, f.Data, f.Seed)
	if err != nil {
		return err
	}
	b, err := checkpoint.EncodeJSON(rep)
	if err != nil {
		return err
	}
	return writeFile(ctx, f.Out, b)
}

func init() {
	register.DoFn2x1[int, func([]byte), error](&evalFn{})
	register.DoFn3x1[context.Context, []byte, func(*[]byte) bool, error](&evalMergeFn{})
}
