package nn

import (
	"fmt"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// Param is a trainable tensor with its stable dotted name.
type Param struct {
	Name string
	V    *autograd.Var // the value and, after backward, its gradient
}

// NewParam makes a parameter named name holding t.
func NewParam(name string, t *tensor.Tensor) *Param {
	return &Param{Name: name, V: autograd.NewParam(t)}
}

// Module is anything with parameters. Params lists them in a fixed order
// (registration order, as PyTorch's named_parameters).
type Module interface {
	Params() []*Param
}

// Collect lists the parameters of mods in order; nil modules are skipped.
func Collect(mods ...Module) []*Param {
	var ps []*Param
	for _, m := range mods {
		if m != nil {
			ps = append(ps, m.Params()...)
		}
	}
	return ps
}

// Join makes a dotted name: Join("down", 1, "res") = "down.1.res". Empty
// parts are skipped.
func Join(parts ...any) string {
	s := ""
	for _, p := range parts {
		ps := fmt.Sprint(p)
		if ps == "" {
			continue
		}
		if s != "" {
			s += "."
		}
		s += ps
	}
	return s
}

// ZeroGrad zeroes the gradients of ps.
func ZeroGrad(ps []*Param) {
	for _, p := range ps {
		p.V.ZeroGrad()
	}
}

// Count is the number of scalar parameters in ps.
func Count(ps []*Param) int {
	n := 0
	for _, p := range ps {
		n += p.V.Value.Len()
	}
	return n
}

// ByName indexes ps by name; it returns an error on a duplicate name.
func ByName(ps []*Param) (map[string]*Param, error) {
	m := make(map[string]*Param, len(ps))
	for _, p := range ps {
		if _, dup := m[p.Name]; dup {
			return nil, fmt.Errorf("duplicate parameter name %q", p.Name)
		}
		m[p.Name] = p
	}
	return m, nil
}
