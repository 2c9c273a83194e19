package checkpoint

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// MismatchError lists every difference between a checkpoint's tensors and
// a model's parameters, found before anything was copied.
type MismatchError struct {
	File       string
	Missing    []string // parameters with no tensor
	Unexpected []string // tensors (under the prefix) with no parameter
	Misshaped  []string // "name: file (3, 4), model (4, 3)"
}

// Error lists all three kinds of mismatch.
func (e *MismatchError) Error() string {
	var parts []string
	quote := func(names []string) string {
		q := make([]string, len(names))
		for i, n := range names {
			q[i] = fmt.Sprintf("%q", n)
		}
		return strings.Join(q, ", ")
	}
	if len(e.Missing) > 0 {
		parts = append(parts, fmt.Sprintf("%d missing tensors: %s", len(e.Missing), quote(e.Missing)))
	}
	if len(e.Unexpected) > 0 {
		parts = append(parts, fmt.Sprintf("%d unexpected tensors: %s", len(e.Unexpected), quote(e.Unexpected)))
	}
	if len(e.Misshaped) > 0 {
		parts = append(parts, fmt.Sprintf("%d mis-shaped tensors: %s", len(e.Misshaped), strings.Join(e.Misshaped, "; ")))
	}
	return fmt.Sprintf("checkpoint %s: tensors do not match the model: %s", e.File, strings.Join(parts, "; "))
}

// LoadParams copies tensors into params: parameter p takes the tensor
// named prefix+p.Name. Every parameter must have a tensor of its shape,
// and every tensor whose name starts with prefix must belong to a
// parameter (tensors outside the prefix, say an optimiser's, are left
// alone). All of this is checked first; on any mismatch LoadParams copies
// nothing and returns a *MismatchError listing every problem. file names
// the checkpoint in errors.
func LoadParams(file string, params []*nn.Param, tensors map[string]*tensor.Tensor, prefix string) error {
	byName, err := nn.ByName(params)
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", file, err)
	}
	e := &MismatchError{File: file}
	for _, p := range params {
		t, ok := tensors[prefix+p.Name]
		switch {
		case !ok:
			e.Missing = append(e.Missing, prefix+p.Name)
		case t == nil || !tensor.SameShape(t.Shape, p.V.Value.Shape) || len(t.Data) != len(p.V.Value.Data):
			got := "nil"
			if t != nil {
				got = tensor.FormatShape(t.Shape)
			}
			e.Misshaped = append(e.Misshaped, fmt.Sprintf("%q: file %s, model %s", prefix+p.Name, got, tensor.FormatShape(p.V.Value.Shape)))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(tensors)) {
		rest, ok := strings.CutPrefix(name, prefix)
		if _, known := byName[rest]; ok && !known {
			e.Unexpected = append(e.Unexpected, name)
		}
	}
	if len(e.Missing)+len(e.Unexpected)+len(e.Misshaped) > 0 {
		return e
	}
	for _, p := range params {
		p.V.Value.CopyFrom(tensors[prefix+p.Name])
	}
	return nil
}

// ParamTensors returns params' values keyed by prefix+name (not copies),
// ready for WriteSafetensors or to merge with other tensors (an
// optimiser's state, the EMA weights) into one file.
func ParamTensors(params []*nn.Param, prefix string) (map[string]*tensor.Tensor, error) {
	if _, err := nn.ByName(params); err != nil {
		return nil, err
	}
	out := make(map[string]*tensor.Tensor, len(params))
	for _, p := range params {
		out[prefix+p.Name] = p.V.Value
	}
	return out, nil
}

// SaveParams writes params as F32 tensors named prefix+name to a
// safetensors file at path, atomically, with metadata meta (may be nil).
func SaveParams(path string, params []*nn.Param, prefix string, meta map[string]string) error {
	ts, err := ParamTensors(params, prefix)
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return WriteSafetensors(path, ts, meta)
}
