package tabular

import (
	"context"

	"github.com/diffusego/diffusego/tensor"
)

// TrainModel fits the transforms (scaling is ScaleQuantile or ScaleStandard)
// and a diffusion model to f, conditioned on the schema's target if it has
// one.
func TrainModel(ctx context.Context, f *Frame, scaling string, cfg ModelConfig, opt TrainOptions) (*Model, error) {
	tr, err := Fit(f, scaling)
	if err != nil {
		return nil, err
	}
	m, err := NewModel(tr, cfg, f.Schema.Target, tensor.NewRNG(opt.Seed+7))
	if err != nil {
		return nil, err
	}
	if err := m.Train(ctx, tr.Encode(f), opt); err != nil {
		return nil, err
	}
	return m, nil
}
