package tabular

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
)

// Checkpoint file names inside a model directory.
const (
	WeightsFile = "model.safetensors" // the denoiser's parameters
	ConfigFile  = "tabular.json"      // schema, transforms, model config
)

// savedModel is the JSON half of a checkpoint.
type savedModel struct {
	Transformer *Transformer `json:"transformer"`
	Model       ModelConfig  `json:"model"`
	Target      string       `json:"target,omitempty"`
	Prior       []float64    `json:"prior,omitempty"`
}

// Save writes m to dir (created if needed): the weights with
// checkpoint.SaveParams and the transforms as JSON, each atomically.
func (m *Model) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("tabular: %w", err)
	}
	s := savedModel{Transformer: m.Tr, Model: m.Cfg, Prior: m.Prior}
	if m.Target >= 0 {
		s.Target = m.Tr.Schema.Columns[m.Tr.Cat[m.Target].Column].Name
	}
	if err := checkpoint.SaveParams(filepath.Join(dir, WeightsFile), m.Net.Params(), "", map[string]string{"format": "diffusego-tabular"}); err != nil {
		return err
	}
	return checkpoint.WriteJSON(filepath.Join(dir, ConfigFile), s)
}

// Load reads a model written by Save, checking every tensor against the
// model its config describes before copying.
func Load(dir string) (*Model, error) {
	var s savedModel
	cfgPath := filepath.Join(dir, ConfigFile)
	if err := checkpoint.ReadJSON(cfgPath, &s); err != nil {
		return nil, err
	}
	if s.Transformer == nil || s.Transformer.Schema == nil {
		return nil, fmt.Errorf("tabular: %s: field \"transformer\": want the fitted transforms, got none", cfgPath)
	}
	if err := s.Transformer.check(); err != nil {
		return nil, fmt.Errorf("tabular: %s: %w", cfgPath, err)
	}
	m, err := NewModel(s.Transformer, s.Model, s.Target, tensor.NewRNG(0))
	if err != nil {
		return nil, fmt.Errorf("tabular: %s: %w", cfgPath, err)
	}
	m.Prior = s.Prior
	if m.Target >= 0 && len(m.Prior) != m.Cfg.CatK[m.Target] {
		return nil, fmt.Errorf("tabular: %s: field \"prior\": want %d class frequencies, got %d", cfgPath, m.Cfg.CatK[m.Target], len(m.Prior))
	}
	wPath := filepath.Join(dir, WeightsFile)
	f, err := checkpoint.ReadFile(wPath)
	if err != nil {
		return nil, err
	}
	if err := checkpoint.LoadParams(wPath, m.Net.Params(), f.Tensors, ""); err != nil {
		return nil, err
	}
	return m, nil
}

// check verifies that a transformer read from a file is consistent with its
// schema, so decoding cannot index out of range.
func (tr *Transformer) check() error {
	cols := tr.Schema.Columns
	for k, ft := range tr.Num {
		if ft.Column < 0 || ft.Column >= len(cols) || cols[ft.Column].Kind.Discrete() {
			return fmt.Errorf("field \"num[%d].column\": want a numeric column, got %d", k, ft.Column)
		}
		if len(ft.Knots) != len(ft.Z) || (ft.Knots == nil && ft.Std == 0) {
			return fmt.Errorf("field \"num[%d]\": want matching knots and z, or a std", k)
		}
	}
	for k, ft := range tr.Cat {
		if ft.Column < 0 || ft.Column >= len(cols) {
			return fmt.Errorf("field \"cat[%d].column\": want a column index, got %d", k, ft.Column)
		}
		want := 2
		if c := cols[ft.Column]; !ft.Mask {
			want = len(c.Categories)
			if c.Missing {
				want++
			}
		}
		if ft.K != want || ft.K < 1 {
			return fmt.Errorf("field \"cat[%d].k\": want %d, got %d", k, want, ft.K)
		}
	}
	return nil
}
