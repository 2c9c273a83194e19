package checkpoint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// LoadParams copies tensors[prefix+p.Name] into each parameter p. It first
// checks every parameter: a missing tensor, a tensor of another shape, or
// (with prefix "") a tensor that matches no parameter is reported, all of
// them in one error naming file, and nothing is copied.
func LoadParams(file string, params []*nn.Param, tensors map[string]*tensor.Tensor, prefix string) error {
	var problems []string
	used := map[string]bool{}
	for _, p := range params {
		name := prefix + p.Name
		t, ok := tensors[name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("missing tensor %q %s", name, tensor.FormatShape(p.V.Value.Shape)))
		case !tensor.SameShape(t.Shape, p.V.Value.Shape):
			problems = append(problems, fmt.Sprintf("tensor %q has shape %s, the model wants %s", name, tensor.FormatShape(t.Shape), tensor.FormatShape(p.V.Value.Shape)))
		}
		used[name] = true
	}
	if prefix == "" {
		var extra []string
		for name := range tensors {
			if !used[name] {
				extra = append(extra, name)
			}
		}
		sort.Strings(extra)
		for _, name := range extra {
			problems = append(problems, fmt.Sprintf("unexpected tensor %q (no such parameter)", name))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("checkpoint %s: does not fit the model: %s", file, strings.Join(problems, "; "))
	}
	for _, p := range params {
		p.V.Value.CopyFrom(tensors[prefix+p.Name])
	}
	return nil
}

// ParamTensors maps each parameter's prefix+name to its value (shared, not
// copied), for WriteSafetensors.
func ParamTensors(params []*nn.Param, prefix string) map[string]*tensor.Tensor {
	m := make(map[string]*tensor.Tensor, len(params))
	for _, p := range params {
		m[prefix+p.Name] = p.V.Value
	}
	return m
}
