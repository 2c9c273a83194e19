package nn

import "github.com/diffusego/diffusego/autograd"

// Layer is a module with a one-input forward pass; every layer in this
// package except MultiHeadAttention is one.
type Layer interface {
	Module
	Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var
}

// Func turns a parameter-free function, such as an activation, into a
// Layer: nn.Func((*autograd.Graph).SiLU).
type Func func(g *autograd.Graph, x *autograd.Var) *autograd.Var

// Forward applies f.
func (f Func) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var { return f(g, x) }

// Params is empty.
func (Func) Params() []*Param { return nil }

// Sequential applies its layers in order, as PyTorch's nn.Sequential. The
// layers carry their own parameter names (give them the prefix
// "name.<index>" to match PyTorch).
type Sequential struct {
	Layers []Layer
}

// NewSequential chains layers.
func NewSequential(layers ...Layer) *Sequential { return &Sequential{Layers: layers} }

// Forward feeds x through every layer in order.
func (s *Sequential) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	for _, l := range s.Layers {
		x = l.Forward(g, x)
	}
	return x
}

// Params lists the layers' parameters in order.
func (s *Sequential) Params() []*Param {
	var ps []*Param
	for _, l := range s.Layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}
