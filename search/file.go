package search

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
)

// Header keys and the tensor name of an index file.
const (
	MetaKey      = "diffusego.search"       // Meta as JSON
	NamesKey     = "diffusego.search.names" // the names as a JSON array
	FeaturesName = "features"               // (N, D) float32
)

// Save writes the index to path as safetensors: the features as F32 and
// Meta and the names as JSON in the header, atomically
// (checkpoint.WriteAtomic).
func (ix *Index) Save(path string) error {
	if err := ix.Validate(); err != nil {
		return fmt.Errorf("index %s: %w", path, err)
	}
	return checkpoint.WriteAtomic(path, func(w io.Writer) error {
		if err := ix.Encode(w); err != nil {
			return fmt.Errorf("index %s: %w", path, err)
		}
		return nil
	})
}

// Encode writes the index to w as Save writes it to a file.
func (ix *Index) Encode(w io.Writer) error {
	if err := ix.Validate(); err != nil {
		return err
	}
	meta, err := json.Marshal(ix.Meta)
	if err != nil {
		return err
	}
	names, err := json.Marshal(ix.Names)
	if err != nil {
		return err
	}
	return checkpoint.Encode(w, map[string]*tensor.Tensor{FeaturesName: ix.Features},
		map[string]string{MetaKey: string(meta), NamesKey: string(names)})
}

// Load reads an index written by Save and checks it (Validate); errors
// name the file.
func Load(path string) (*Index, error) {
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	return Decode(f, path)
}

// Decode is Load for a safetensors file already read (checkpoint.Decode);
// path names it in errors.
func Decode(f *checkpoint.File, path string) (*Index, error) {
	rawMeta, ok := f.Meta[MetaKey]
	rawNames, ok2 := f.Meta[NamesKey]
	feat := f.Tensors[FeaturesName]
	if !ok || !ok2 || feat == nil {
		return nil, fmt.Errorf("index %s: want header entries %q and %q and a tensor %q: not a diffusego search index", path, MetaKey, NamesKey, FeaturesName)
	}
	ix := &Index{Features: feat}
	if err := checkpoint.DecodeJSON([]byte(rawMeta), path+": "+MetaKey, &ix.Meta); err != nil {
		return nil, err
	}
	if err := checkpoint.DecodeJSON([]byte(rawNames), path+": "+NamesKey, &ix.Names); err != nil {
		return nil, err
	}
	if err := ix.Validate(); err != nil {
		return nil, fmt.Errorf("index %s: %w", path, err)
	}
	return ix, nil
}
