package search_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
)

func smallIndex(t *testing.T) (*search.Index, *search.Embedder, *tensor.Tensor) {
	t.Helper()
	e := smallEmbedder(t, smallOptions)
	x := tensor.NewRNG(5).Rand(-1, 1, 6, 1, 8, 8)
	names := []string{"a.png", "b.png", "c.png", "d.png", "e.png", "f.png"}
	ix, err := search.Build(e, x, names, search.Meta{Model: "abc123", Weights: "ema", Source: "imgs"})
	if err != nil {
		t.Fatal(err)
	}
	return ix, e, x
}

// TestIndexRoundTrip: Save then Load gives the same names, features and
// metadata, and searching with an indexed image finds it first at
// similarity 1.
func TestIndexRoundTrip(t *testing.T) {
	ix, e, x := smallIndex(t)
	path := filepath.Join(t.TempDir(), "index.safetensors")
	if err := ix.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := search.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Names, ",") != strings.Join(ix.Names, ",") {
		t.Errorf("names %v, want %v", got.Names, ix.Names)
	}
	if got.Meta.Model != "abc123" || got.Meta.Weights != "ema" || got.Meta.Source != "imgs" || got.Meta.Options != e.Options ||
		!tensor.SameShape(got.Meta.Shape, []int{1, 8, 8}) {
		t.Errorf("meta %+v, want model abc123, source imgs, options %+v, shape [1 8 8]", got.Meta, e.Options)
	}
	for i, v := range ix.Features.Data {
		if got.Features.Data[i] != v {
			t.Fatalf("feature %d = %v, want %v", i, got.Features.Data[i], v)
		}
	}
	hits, err := got.Search(e, tensor.FromData(x.Data[3*64:4*64], 1, 1, 8, 8), 3)
	if err != nil {
		t.Fatal(err)
	}
	if hits[0][0].Index != 3 || hits[0][0].Similarity < 0.99999 {
		t.Errorf("first hit %+v, want image 3 at similarity 1", hits[0][0])
	}
}

func TestIndexBadInputs(t *testing.T) {
	ix, e, _ := smallIndex(t)
	dir := t.TempDir()
	t.Run("build with no images", func(t *testing.T) {
		_, err := search.Build(e, tensor.New(0, 1, 8, 8), nil, search.Meta{})
		if !errors.Is(err, search.ErrEmpty) {
			t.Errorf("error %v, want ErrEmpty", err)
		}
	})
	t.Run("build names count", func(t *testing.T) {
		_, err := search.Build(e, tensor.New(2, 1, 8, 8), []string{"a"}, search.Meta{})
		if err == nil || !strings.Contains(err.Error(), "1 names for 2 images") {
			t.Errorf("error %v, want one about 1 names for 2 images", err)
		}
	})
	t.Run("search an empty index", func(t *testing.T) {
		empty := &search.Index{Meta: ix.Meta, Features: tensor.New(0, ix.Dim())}
		_, err := empty.Search(e, tensor.New(1, 1, 8, 8), 1)
		if !errors.Is(err, search.ErrEmpty) {
			t.Errorf("error %v, want ErrEmpty", err)
		}
		if err := empty.Save(filepath.Join(dir, "empty.safetensors")); !errors.Is(err, search.ErrEmpty) {
			t.Errorf("Save error %v, want ErrEmpty", err)
		}
	})
	t.Run("query of the wrong channel count", func(t *testing.T) {
		_, err := ix.Search(e, tensor.New(1, 3, 8, 8), 1)
		if err == nil || !strings.Contains(err.Error(), "(1, 3, 8, 8): want (N, 1, 8, 8)") {
			t.Errorf("error %v, want one naming both shapes", err)
		}
	})
	t.Run("k out of range", func(t *testing.T) {
		for _, k := range []int{0, 7} {
			_, err := ix.Search(e, tensor.New(1, 1, 8, 8), k)
			if err == nil || !strings.Contains(err.Error(), "want 1..6") {
				t.Errorf("k %d: error %v, want one containing %q", k, err, "want 1..6")
			}
		}
	})
	t.Run("other embedding options", func(t *testing.T) {
		other := smallEmbedder(t, search.Options{T: 3, Seed: 1, Layers: search.LayersMid, Grid: 1})
		_, err := ix.Search(other, tensor.New(1, 1, 8, 8), 1)
		if err == nil || !strings.Contains(err.Error(), "differ from the index's") {
			t.Errorf("error %v, want one about differing options", err)
		}
	})
	t.Run("other model", func(t *testing.T) {
		if err := ix.CheckModel("abc123", "ema"); err != nil {
			t.Errorf("CheckModel(own hash) = %v", err)
		}
		if err := ix.CheckModel("def456", "ema"); !errors.Is(err, search.ErrOtherModel) {
			t.Errorf("CheckModel(other hash) = %v, want ErrOtherModel", err)
		}
		if err := ix.CheckModel("abc123", "raw"); !errors.Is(err, search.ErrOtherModel) {
			t.Errorf("CheckModel(raw weights) = %v, want ErrOtherModel", err)
		}
	})
	t.Run("load a file that is not an index", func(t *testing.T) {
		path := filepath.Join(dir, "weights.safetensors")
		if err := checkpoint.WriteSafetensors(path, map[string]*tensor.Tensor{"w": tensor.New(2, 2)}, nil); err != nil {
			t.Fatal(err)
		}
		_, err := search.Load(path)
		if err == nil || !strings.Contains(err.Error(), "not a diffusego search index") || !strings.Contains(err.Error(), path) {
			t.Errorf("error %v, want one naming %s as not an index", err, path)
		}
	})
	t.Run("load names and features that disagree", func(t *testing.T) {
		path := filepath.Join(dir, "bad.safetensors")
		err := checkpoint.WriteSafetensors(path, map[string]*tensor.Tensor{search.FeaturesName: tensor.New(2, 4)},
			map[string]string{search.MetaKey: `{"model":"x","source":"s","shape":[1,8,8],"options":{"t":1,"seed":1,"layers":"mid","grid":1}}`,
				search.NamesKey: `["a","b","c"]`})
		if err != nil {
			t.Fatal(err)
		}
		_, err = search.Load(path)
		if err == nil || !strings.Contains(err.Error(), "(2, 4) for 3 names") {
			t.Errorf("error %v, want one about (2, 4) for 3 names", err)
		}
	})
	t.Run("load a missing file", func(t *testing.T) {
		_, err := search.Load(filepath.Join(dir, "nope.safetensors"))
		if err == nil || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("error %v, want not-exist", err)
		}
	})
}
