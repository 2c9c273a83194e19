package classifier

import (
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Config sizes the network.
type Config struct {
	InChannels int    // image channels (1 for grey)
	Size       int    // image height and width; must be divisible by 4
	Channels   [2]int // output channels of conv1 and conv2
	Hidden     int    // width of the feature layer
	Classes    int    // number of classes
}

// DefaultConfig is the Fashion-MNIST network: 28×28 grey images, 10 classes.
func DefaultConfig() Config {
	return Config{InChannels: 1, Size: 28, Channels: [2]int{16, 32}, Hidden: 128, Classes: 10}
}

// CNN is the classifier network. Parameter names: conv1.*, conv2.*, fc1.*, fc2.*.
type CNN struct {
	Config       Config
	Conv1, Conv2 *nn.Conv2d
	FC1, FC2     *nn.Linear
}

// New builds a CNN with PyTorch's default initialisation drawn from rng.
func New(cfg Config, rng *tensor.RNG) *CNN {
	flat := cfg.Channels[1] * (cfg.Size / 4) * (cfg.Size / 4)
	return &CNN{
		Config: cfg,
		Conv1:  nn.NewConv2d("conv1", cfg.InChannels, cfg.Channels[0], 3, 1, 1, true, rng),
		Conv2:  nn.NewConv2d("conv2", cfg.Channels[0], cfg.Channels[1], 3, 1, 1, true, rng),
		FC1:    nn.NewLinear("fc1", flat, cfg.Hidden, true, rng),
		FC2:    nn.NewLinear("fc2", cfg.Hidden, cfg.Classes, true, rng),
	}
}

// Params lists conv1, conv2, fc1 and fc2's weights and biases in that order.
func (m *CNN) Params() []*nn.Param { return nn.Collect(m.Conv1, m.Conv2, m.FC1, m.FC2) }

// Features maps images x: (N, C, Size, Size) to the hidden features
// (N, Hidden), the space image metrics are measured in.
func (m *CNN) Features(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	h := g.AvgPool2d(g.ReLU(m.Conv1.Forward(g, x)), 2, 2) // (N, C1, S/2, S/2)
	h = g.AvgPool2d(g.ReLU(m.Conv2.Forward(g, h)), 2, 2)  // (N, C2, S/4, S/4)
	h = g.Reshape(h, h.Shape()[0], -1)                    // (N, C2·S²/16)
	return g.ReLU(m.FC1.Forward(g, h))                    // (N, Hidden)
}

// Forward maps images x: (N, C, Size, Size) to class logits (N, Classes).
func (m *CNN) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	return m.FC2.Forward(g, m.Features(g, x))
}
