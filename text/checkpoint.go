package text

import (
	"fmt"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// imageConfigKey is the header entry of an image model's checkpoint
// (pipeline.ConfigKey), named here only to say what a wrong file is.
const imageConfigKey = "diffusego.model"

// Load reads the text model of a checkpoint file written by training (or
// an export of one): its configuration and vocabulary from the header, then
// the EMA weights when ema is true and the file has them, else the raw
// weights. Every tensor is checked against the model before anything is
// copied; an image model's checkpoint is refused with a message saying so.
func Load(path string, ema bool) (*Model, error) {
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return load(f, path, ema)
}

// LoadBytes is Load for a checkpoint in memory (a shipped model); name is
// used in errors.
func LoadBytes(b []byte, name string, ema bool) (*Model, error) {
	f, err := checkpoint.Decode(b, name)
	if err != nil {
		return nil, err
	}
	return load(f, name, ema)
}

func load(f *checkpoint.File, path string, ema bool) (*Model, error) {
	m, err := modelFromMeta(f.Meta, path)
	if err != nil {
		return nil, err
	}
	if _, ok := f.Meta["ema.steps"]; !ok {
		ema = false // an export of the raw weights only
	}
	if err := train.LoadWeights(f, path, m.Net.Params(), ema); err != nil {
		return nil, err
	}
	return m, nil
}

// modelFromMeta builds, with placeholder weights, the model a checkpoint
// header describes.
func modelFromMeta(meta map[string]string, path string) (*Model, error) {
	raw, ok := meta[ConfigKey]
	if !ok {
		if _, image := meta[imageConfigKey]; image {
			return nil, fmt.Errorf("checkpoint %s: an image model, not a text model (use diffuse sample)", path)
		}
		return nil, fmt.Errorf("checkpoint %s: not a diffusego text model (no %q entry in its header)", path, ConfigKey)
	}
	var c ModelConfig
	if err := checkpoint.DecodeJSON([]byte(raw), path+": "+ConfigKey, &c); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	v, err := DecodeVocab([]byte(meta[VocabKey]), path+": "+VocabKey)
	if err != nil {
		return nil, err
	}
	return NewModel(c, v, tensor.NewRNG(0))
}

// Export writes a sampling-only copy of the text checkpoint src to dst:
// the EMA weights (the raw ones when the run kept no EMA) under the
// parameters' own names and the header entries that describe the model and
// its data; no optimiser state and no second copy of the weights, so the
// file is a quarter of a training checkpoint.
func Export(src, dst string) error {
	f, err := checkpoint.ReadFile(src)
	if err != nil {
		return err
	}
	m, err := load(f, src, true)
	if err != nil {
		return err
	}
	meta, err := m.Meta()
	if err != nil {
		return err
	}
	if raw, ok := f.Meta[RunKey]; ok {
		meta[RunKey] = raw
	}
	meta["diffusego.exported_from"] = src
	return checkpoint.SaveParams(dst, m.Net.Params(), "", meta)
}
