package pipelines

import (
	"bytes"
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/search"
)

// IndexConfig is the index pipeline: the images of Spec embedded with
// Model into one index at Out, searchable by diffuse search.
type IndexConfig struct {
	Model  Model
	Spec   jobs.IndexSpec
	Out    string // index file, local or gs://…
	Shards int    // 0: one per 500 images
}

// Index builds the index pipeline: shard numbers → the partial index of
// each shard's images (jobs.IndexSpec.Index, as diffuse index --shard
// builds it) → one merge (jobs.MergeIndex, as diffuse merge) → the index
// file one diffuse index run writes. p is the model the launcher loaded,
// for the count of images.
func Index(s beam.Scope, p *pipeline.Pipeline, cfg IndexConfig) error {
	cfgU := p.Model.UNet
	// a shard of no image reads no pixels but counts the whole set
	all, err := jobs.LoadIndexImages(cfg.Spec.Images, cfg.Spec.Data, cfgU.ImageSize, cfgU.InChannels, cfg.Spec.Limit, &jobs.Shard{I: 0, N: 1 << 30})
	if err != nil {
		return err
	}
	k := shardCount(all.Total, cfg.Shards, 500)
	s = s.Scope("index")
	parts := beam.ParDo(s, &indexFn{Model: cfg.Model, Spec: cfg.Spec, Shards: k}, shardIndices(s, k))
	gather(s, &indexMergeFn{Out: cfg.Out}, parts)
	return nil
}

// indexFn embeds one shard's images.
type indexFn struct {
	Model  Model
	Spec   jobs.IndexSpec
	Shards int

	p *pipeline.Pipeline
}

// Setup builds the model once per DoFn instance.
func (f *indexFn) Setup(ctx context.Context) error {
	var err error
	f.p, err = f.Model.Load(ctx)
	return err
}

// ProcessElement emits shard i's partial index (search.Index.Encode).
func (f *indexFn) ProcessElement(i int, emit func([]byte)) error {
	part := shard(i, f.Shards)
	ix, err := f.Spec.Index(f.p, f.Model.Hash, &part)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := ix.Encode(&buf); err != nil {
		return err
	}
	emit(buf.Bytes())
	return nil
}

// indexMergeFn joins the parts and writes the index.
type indexMergeFn struct {
	Out string
}

// ProcessElement merges every part (the side input) into the index.
func (f *indexMergeFn) ProcessElement(ctx context.Context, _ []byte, iter func(*[]byte) bool) error {
	var parts []jobs.IndexPartFile
	for i, b := range readParts(iter) {
		name := fmt.Sprintf("index part %d", i)
		ck, err := checkpoint.Decode(b, name)
		if err != nil {
			return err
		}
		ix, err := search.Decode(ck, name)
		if err != nil {
			return err
		}
		if ix.Meta.Part != nil {
			name = fmt.Sprintf("index part of shard %d", ix.Meta.Part.Shard)
		}
		parts = append(parts, jobs.IndexPartFile{File: name, Index: ix})
	}
	whole, err := jobs.MergeIndex(parts)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := whole.Encode(&buf); err != nil {
		return err
	}
	return writeFile(ctx, f.Out, buf.Bytes())
}

func init() {
	register.DoFn2x1[int, func([]byte), error](&indexFn{})
	register.DoFn3x1[context.Context, []byte, func(*[]byte) bool, error](&indexMergeFn{})
}
