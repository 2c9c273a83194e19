package digress

import (
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// Load reads the model of the checkpoint file path (as `diffuse graph
// train` writes it): the configuration from its header, then the weight
// average when the file has one and raw is false, else the raw weights.
// It returns the header too, for the entries of applications (a molecule
// model's vocabulary).
func Load(path string, raw bool) (*Model, map[string]string, error) {
	ck, err := checkpoint.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := ParseConfig(ck.Meta, path)
	if err != nil {
		return nil, nil, err
	}
	m, err := NewModel(cfg, tensor.NewRNG(0))
	if err != nil {
		return nil, nil, err
	}
	_, hasEMA := ck.Meta["ema.steps"]
	if err := train.LoadWeights(ck, path, m.Params(), hasEMA && !raw); err != nil {
		return nil, nil, err
	}
	return m, ck.Meta, nil
}
