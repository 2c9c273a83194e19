package search

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// Meta says how an index was made: enough to embed a query the same way
// and to refuse one embedded another way.
type Meta struct {
	// Model is the SHA-256 (hex) of the checkpoint whose encoder made the
	// features.
	Model string `json:"model"`
	// Weights says which of the checkpoint's weights: "ema" or "raw".
	Weights string `json:"weights"`
	// Source says where the images came from: a folder, or
	// "fashion-mnist:test" / "fashion-mnist:train".
	Source string `json:"source"`
	// Shape is one image's (C, H, W).
	Shape []int `json:"shape"`
	// Options are the embedding settings, T among them.
	Options Options `json:"options"`
	// Part is set when the index holds one part of a set indexed by many
	// processes; nil for a whole index (as parts merge into).
	Part *Part `json:"part,omitempty"`
}

// Part places a partial index in the whole: it holds images
// [First, First+Len) of Total, and is part Shard of Shards.
type Part struct {
	Shard  int `json:"shard"`
	Shards int `json:"shards"`
	First  int `json:"first"`
	Total  int `json:"total"`
}

// Index is a searchable set of images: a name and a unit-length feature
// vector per image.
type Index struct {
	Meta     Meta
	Names    []string       // one per image, e.g. a path relative to Meta.Source
	Features *tensor.Tensor // (N, D), rows of unit length
}

// Build makes an index of the images x: (N, C, H, W) named names, with
// the embedder's features. It refuses an empty set (ErrEmpty) and a
// names/images count mismatch.
func Build(e *Embedder, x *tensor.Tensor, names []string, meta Meta) (*Index, error) {
	if x == nil || x.Rank() == 0 || x.Dim(0) == 0 || len(names) == 0 {
		return nil, fmt.Errorf("search: build: no images: %w", ErrEmpty)
	}
	if len(names) != x.Dim(0) {
		return nil, fmt.Errorf("search: build: %d names for %d images", len(names), x.Dim(0))
	}
	f, err := e.Embed(x)
	if err != nil {
		return nil, err
	}
	meta.Shape = e.Shape()
	meta.Options = e.Options
	return &Index{Meta: meta, Names: append([]string(nil), names...), Features: f}, nil
}

// Len is the number of images.
func (ix *Index) Len() int { return len(ix.Names) }

// Dim is the length of a feature vector.
func (ix *Index) Dim() int { return ix.Features.Dim(1) }

// Validate checks that the index is usable: not empty, one feature row
// per name, finite rows, a known layer set and an image shape.
func (ix *Index) Validate() error {
	if ix.Features == nil || len(ix.Names) == 0 || ix.Features.Len() == 0 {
		return ErrEmpty
	}
	if ix.Features.Rank() != 2 || ix.Features.Dim(0) != len(ix.Names) || ix.Features.Dim(1) == 0 {
		return fmt.Errorf("search: features %s for %d names: want (%d, D)", tensor.FormatShape(ix.Features.Shape), len(ix.Names), len(ix.Names))
	}
	for i, v := range ix.Features.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("search: feature row %d (%q) is not finite", i/ix.Dim(), ix.Names[i/ix.Dim()])
		}
	}
	if len(ix.Meta.Shape) != 3 || ix.Meta.Shape[0] < 1 || ix.Meta.Shape[1] < 1 || ix.Meta.Shape[2] < 1 {
		return fmt.Errorf("search: image shape %v: want (C, H, W)", ix.Meta.Shape)
	}
	if l := ix.Meta.Options.Layers; l != LayersMid && l != LayersAll {
		return fmt.Errorf("search: layers %q: want %q or %q", l, LayersMid, LayersAll)
	}
	return nil
}

// CheckModel refuses (ErrOtherModel) to search the index with features
// from the checkpoint whose SHA-256 is model with the weights weights
// ("ema" or "raw"), unless those made the index.
func (ix *Index) CheckModel(model, weights string) error {
	if model != ix.Meta.Model || weights != ix.Meta.Weights {
		return fmt.Errorf("%w: index made with sha256 %s (%s weights), queries would use sha256 %s (%s weights)",
			ErrOtherModel, short(ix.Meta.Model), ix.Meta.Weights, short(model), weights)
	}
	return nil
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

// Search embeds the query images q: (M, C, H, W) with e, which must embed
// as the index did (same options; the caller checks the model with
// CheckModel), and returns each query's k nearest images by cosine
// similarity, most similar first.
func (ix *Index) Search(e *Embedder, q *tensor.Tensor, k int) ([][]Hit, error) {
	if err := ix.Validate(); err != nil {
		return nil, err
	}
	if e.Options != ix.Meta.Options {
		return nil, fmt.Errorf("search: embedding options %+v differ from the index's %+v", e.Options, ix.Meta.Options)
	}
	if k < 1 || k > ix.Len() {
		return nil, fmt.Errorf("search: k %d: want 1..%d (the index holds %d images)", k, ix.Len(), ix.Len())
	}
	f, err := e.Embed(q)
	if err != nil {
		return nil, err
	}
	if f.Dim(1) != ix.Dim() {
		return nil, fmt.Errorf("search: query features have %d values, the index's %d: %w", f.Dim(1), ix.Dim(), ErrDim)
	}
	return Nearest(ix.Features, f, k, nil)
}
