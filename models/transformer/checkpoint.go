package transformer

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
)

// Checkpoint file names inside a model directory.
const (
	WeightsFile = "model.safetensors" // the parameters, under their dotted names
	ConfigFile  = "transformer.json"  // the Config
)

// Save writes m to dir (created if needed): the weights with
// checkpoint.SaveParams and the Config as JSON, each atomically.
func (m *Model) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("transformer: %w", err)
	}
	if err := checkpoint.SaveParams(filepath.Join(dir, WeightsFile), m.Params(), "", map[string]string{"format": "diffusego-transformer"}); err != nil {
		return err
	}
	return checkpoint.WriteJSON(filepath.Join(dir, ConfigFile), m.Config)
}

// Load reads a model written by Save: the Config is validated, and every
// tensor's name and shape is checked against the model it describes before
// anything is copied.
func Load(dir string) (*Model, error) {
	var c Config
	cfgPath := filepath.Join(dir, ConfigFile)
	if err := checkpoint.ReadJSON(cfgPath, &c); err != nil {
		return nil, err
	}
	m, err := New(c, tensor.NewRNG(0))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfgPath, err)
	}
	wPath := filepath.Join(dir, WeightsFile)
	f, err := checkpoint.ReadFile(wPath)
	if err != nil {
		return nil, err
	}
	if err := checkpoint.LoadParams(wPath, m.Params(), f.Tensors, ""); err != nil {
		return nil, err
	}
	return m, nil
}
