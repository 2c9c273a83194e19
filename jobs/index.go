package jobs

import (
	"fmt"

	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
)

// IndexSpec is what diffuse index embeds: the images of Images (a folder,
// or fashion-mnist:SPLIT read from Data), the first Limit of them (0: all),
// with the search options.
type IndexSpec struct {
	Images string
	Data   string // Fashion-MNIST folder, for fashion-mnist:SPLIT
	Limit  int
	Raw    bool // the model's raw weights, not the EMA
	search.Options
}

// BottleneckGrid is grid cut to the side of the model's bottleneck: the
// default grid of diffuse index on a model whose bottleneck is smaller.
func BottleneckGrid(p *pipeline.Pipeline, grid int) int {
	cfg := p.Model.UNet
	return min(grid, cfg.ImageSize>>(len(cfg.ChannelMult)-1))
}

// Index embeds the images of the spec with the model p (of SHA-256 hash),
// all of them when part is nil, else the part's share (Shard.Span), which
// is then recorded in the index (search.Part) for MergeIndex. A shard with
// no image, and options the embedder refuses, are *RequestError.
func (s IndexSpec) Index(p *pipeline.Pipeline, hash string, part *Shard) (*search.Index, error) {
	cfg := p.Model.UNet
	e, err := search.NewEmbedder(p.Net, p.Schedule, s.Options)
	if err != nil {
		return nil, &RequestError{err}
	}
	imgs, err := LoadIndexImages(s.Images, s.Data, cfg.ImageSize, cfg.InChannels, s.Limit, part)
	if err != nil {
		return nil, err
	}
	meta := search.Meta{Model: hash, Weights: WeightsName(s.Raw), Source: imgs.Source}
	if part != nil {
		first, _ := part.Span(imgs.Total)
		meta.Part = &search.Part{Shard: part.I, Shards: part.N, First: first, Total: imgs.Total}
		if len(imgs.Names) == 0 {
			return nil, requestf("--shards %d: %s gets none of the %d images; use at most %d shards", part.N, *part, imgs.Total, imgs.Total)
		}
	}
	return search.Build(e, imgs.X, imgs.Names, meta)
}

// IndexPartFile is one part of a sharded index with the name it is known
// by in errors.
type IndexPartFile struct {
	File  string
	Index *search.Index
}

// MergeIndex joins partial indices (Index with a part) into the index of
// the whole set: the index one unsharded run builds, bit for bit.
func MergeIndex(parts []IndexPartFile) (*search.Index, error) {
	byFile := map[string]*search.Index{}
	var recs []PartRecord
	for _, f := range parts {
		ix := f.Index
		p := ix.Meta.Part
		if p == nil {
			return nil, fmt.Errorf("merge: %s is a whole index, not a part of a sharded one", f.File)
		}
		byFile[f.File] = ix
		recs = append(recs, PartRecord{File: f.File, Shard: p.Shard, Shards: p.Shards, First: p.First, Count: ix.Len(), Size: p.Total, Checkpoint: ix.Meta.Model})
	}
	recs, err := CheckParts(recs)
	if err != nil {
		return nil, err
	}
	first := byFile[recs[0].File]
	whole := &search.Index{Meta: first.Meta}
	whole.Meta.Part = nil
	d := first.Dim()
	whole.Features = tensor.New(recs[0].Size, d)
	for _, r := range recs {
		ix := byFile[r.File]
		m := ix.Meta
		m.Part = nil
		if fmt.Sprint(m) != fmt.Sprint(whole.Meta) {
			return nil, fmt.Errorf("merge: %s was indexed with other settings (%+v) than %s (%+v)", r.File, m, recs[0].File, whole.Meta)
		}
		if ix.Dim() != d {
			return nil, fmt.Errorf("merge: %s has %d values per image, %s %d", r.File, ix.Dim(), recs[0].File, d)
		}
		whole.Names = append(whole.Names, ix.Names...)
		copy(whole.Features.Data[r.First*d:], ix.Features.Data)
	}
	return whole, nil
}
