package textimage

import (
	"fmt"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/models/textenc"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/nn"
)

// Net is the prompt-conditioned latent denoiser as a train.Network.
type Net struct {
	UNet *unet.Model
	Text *textenc.Encoder
	// Prompts is the table that labels index; Prompts[0] is the null
	// prompt ("" in training, the negative prompt when sampling with one).
	Prompts []string
}

// Null is the label of the null prompt.
const Null = 0

// Forward encodes the prompts Prompts[y[i]] (all null when y is nil) and
// runs the U-Net on x: (N, Latent, h, w). A label outside the table or a
// prompt the encoder refuses panics with a *tensor.ShapeError-style
// message through unet; entry points recover it.
func (n *Net) Forward(g *autograd.Graph, x *autograd.Var, t []float64, y []int) *autograd.Var {
	b := x.Shape()[0]
	prompts := make([]string, b)
	for i := range prompts {
		l := Null
		if y != nil {
			l = y[i]
		}
		if l < 0 || l >= len(n.Prompts) {
			panic(fmt.Errorf("textimage: label %d of item %d: want 0..%d", l, i, len(n.Prompts)-1))
		}
		prompts[i] = n.Prompts[l]
	}
	ctx, pooled, err := n.Text.Encode(g, prompts)
	if err != nil {
		panic(fmt.Errorf("textimage: %w", err))
	}
	return n.UNet.ForwardText(g, x, t, nil, &unet.Text{Context: ctx, Pooled: pooled})
}

// Params lists the U-Net's parameters then the text encoder's (saved in
// separate files, so their names cannot collide).
func (n *Net) Params() []*nn.Param {
	return append(n.UNet.Params(), n.Text.Params()...)
}
