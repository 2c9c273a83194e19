package search

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/tensor"
)

// The layer sets Options.Layers names.
const (
	LayersMid = "mid" // the bottleneck (the middle block's output) only
	LayersAll = "all" // every encoder activation (the skip stack) and the bottleneck
)

// Options say how an image becomes a feature vector. Together with the
// network's weights they fix the vector bit for bit.
type Options struct {
	// T is the diffusion time step of the noised input x_t (0 is the least
	// noise; 0 ≤ T < the schedule's steps).
	T int `json:"t"`
	// Seed draws the one noise image ε that every input shares, so an image
	// gets the same vector in any batch and at any position.
	Seed uint64 `json:"seed"`
	// Layers is LayersMid or LayersAll.
	Layers string `json:"layers"`
	// Grid pools each activation over Grid×Grid cells (1 = the global
	// mean); it must not exceed the bottleneck's side.
	Grid int `json:"grid"`
}

// DefaultOptions are the settings chosen on a validation split of the
// Fashion-MNIST training set with the shipped model (docs/search.md): the
// bottleneck pooled over a 7×7 grid at step 0. The step hardly mattered
// (within 0.001 of precision@10 from 0 to 100); the grid did (global mean
// 0.64, 2×2 0.73, 4×4 0.76, 7×7 0.78); adding the encoder levels lowered it.
func DefaultOptions() Options { return Options{T: 0, Seed: 1, Layers: LayersMid, Grid: 7} }

// Embedder turns images into unit-length feature vectors with a
// denoiser's encoder: x_t = √ᾱ_T·x + √(1−ᾱ_T)·ε with a fixed ε, one
// encoder pass at step T with the null label (unconditional), then each
// chosen activation mean-pooled over a Grid×Grid partition, L2-normalised,
// concatenated and L2-normalised again (so every layer weighs the same).
type Embedder struct {
	Net      *unet.Model
	Schedule schedule.Schedule
	Options  Options
	// Batch bounds the images in one network call; 0 means 128.
	Batch int

	eps []float32 // ε: (C, H, W)
}

// NewEmbedder checks opts against the network and the schedule.
func NewEmbedder(net *unet.Model, sch schedule.Schedule, opts Options) (*Embedder, error) {
	if opts.T < 0 || opts.T >= sch.Steps() {
		return nil, fmt.Errorf("search: time step %d: want 0..%d", opts.T, sch.Steps()-1)
	}
	if opts.Layers != LayersMid && opts.Layers != LayersAll {
		return nil, fmt.Errorf("search: layers %q: want %q or %q", opts.Layers, LayersMid, LayersAll)
	}
	side := net.ImageSize >> (len(net.ChannelMult) - 1)
	if opts.Grid < 1 || opts.Grid > side {
		return nil, fmt.Errorf("search: grid %d: want 1..%d (the bottleneck is %d×%d)", opts.Grid, side, side, side)
	}
	c, s := net.InChannels, net.ImageSize
	eps := tensor.NewRNG(opts.Seed).Randn(c, s, s)
	return &Embedder{Net: net, Schedule: sch, Options: opts, eps: eps.Data}, nil
}

// Shape is the shape of one input image: (C, H, W).
func (e *Embedder) Shape() []int {
	return []int{e.Net.InChannels, e.Net.ImageSize, e.Net.ImageSize}
}

// Dim is the length of a feature vector.
func (e *Embedder) Dim() int {
	cells := e.Options.Grid * e.Options.Grid
	last := len(e.Net.ChannelMult) - 1
	d := e.Net.Channels * e.Net.ChannelMult[last] // the bottleneck
	if e.Options.Layers == LayersAll {
		d += e.Net.Channels // the stem
		for i, mult := range e.Net.ChannelMult {
			d += e.Net.ResBlocks * e.Net.Channels * mult
			if i < last {
				d += e.Net.Channels * mult // the Downsample
			}
		}
	}
	return d * cells
}

// Embed maps images x: (N, C, H, W) in [−1, 1] to their feature vectors
// (N, Dim), each of unit length. Images of the wrong shape are refused.
func (e *Embedder) Embed(x *tensor.Tensor) (f *tensor.Tensor, err error) {
	defer tensor.Recover(&err)
	want := e.Shape()
	if x == nil || x.Rank() != 4 || !tensor.SameShape(x.Shape[1:], want) {
		got := "nil"
		if x != nil {
			got = tensor.FormatShape(x.Shape)
		}
		return nil, fmt.Errorf("search: images %s: want (N, %d, %d, %d), the model's channels and size", got, want[0], want[1], want[2])
	}
	n, per := x.Dim(0), x.Len()/max(x.Dim(0), 1)
	batch := e.Batch
	if batch <= 0 {
		batch = 128
	}
	f = tensor.New(n, e.Dim())
	d := e.Dim()
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		part := tensor.FromData(x.Data[lo*per:hi*per], append([]int{hi - lo}, want...)...)
		enc := e.Encode(part)
		pooled := Pool(Activations(enc, e.Options.Layers), e.Options.Grid)
		copy(f.Data[lo*d:hi*d], pooled.Data)
	}
	return f, nil
}

// Noised returns x_t = √ᾱ_T·x + √(1−ᾱ_T)·ε for x: (N, C, H, W), the
// fixed ε broadcast over the batch.
func (e *Embedder) Noised(x *tensor.Tensor) *tensor.Tensor {
	ab := e.Schedule.AlphaBar(e.Options.T)
	a, b := math.Sqrt(ab), math.Sqrt(1-ab)
	out := tensor.ZerosLike(x)
	per := len(e.eps)
	for i, v := range x.Data {
		out.Data[i] = float32(a*float64(v) + b*float64(e.eps[i%per]))
	}
	return out
}

// Encode runs the encoder on the noised x: (N, C, H, W) at step T with the
// null label. It panics with a *tensor.ShapeError on a wrong shape.
func (e *Embedder) Encode(x *tensor.Tensor) *unet.Encoding {
	t := make([]float64, x.Dim(0))
	for i := range t {
		t[i] = float64(e.Options.T)
	}
	return e.Net.Encode(autograd.NoGrad(), autograd.NewVar(e.Noised(x)), t, nil)
}

// Activations picks the activations that layers names from an encoding:
// the bottleneck for LayersMid; the skip stack, then the bottleneck, for
// LayersAll. An unknown name gives the bottleneck.
func Activations(enc *unet.Encoding, layers string) []*tensor.Tensor {
	if layers != LayersAll {
		return []*tensor.Tensor{enc.Mid.Value}
	}
	acts := make([]*tensor.Tensor, 0, len(enc.Skips)+1)
	for _, s := range enc.Skips {
		acts = append(acts, s.Value)
	}
	return append(acts, enc.Mid.Value)
}
