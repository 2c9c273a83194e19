package anomaly

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
)

// FeatureOptions say how Features probes an image with the denoiser. With
// the network's weights they fix every number bit for bit.
type FeatureOptions struct {
	// Steps are the diffusion time steps t the image is noised to,
	// x_t = √ᾱ_t·x + √(1−ᾱ_t)·ε_t; nil means DefaultSteps.
	Steps []int
	// Seed draws the one noise image ε_t per step that every image shares,
	// so an image's features do not depend on its batch or position.
	Seed uint64
	// Grid pools every encoder activation over Grid×Grid cells (as
	// search.Pool does); 0 means 1, the global mean.
	Grid int
	// Batch bounds the images of one network call; 0 means 100.
	Batch int
}

// DefaultSteps are the noise levels of FeatureOptions: t = 100, 250 and
// 400 of a 1000-step schedule (σ ≈ 0.17, 0.43, 0.74 for the cosine one),
// from little noise, where the denoiser sees the image's details, to
// much, where only the coarse shape survives. They were fixed before any
// measurement and are the same for every class.
var DefaultSteps = []int{100, 250, 400}

// Features is what the denoiser says about a batch of N images, at L
// noise levels.
type Features struct {
	// Enc: (N, L·D) the encoder activations of x_t at each level (the skip
	// stack and the bottleneck, pooled and unit-scaled by search.Pool),
	// levels side by side, each block of unit length.
	Enc *tensor.Tensor
	// Err: N rows of L values, the mean squared error of the predicted
	// noise at each level, ‖ε̂(x_t, t) − ε_t‖²/dim: the per-level terms of
	// the denoising loss.
	Err [][]float64
	// Widths: the length of each encoder activation's block within one
	// level's D values (channels·Grid², the skip stack, then the
	// bottleneck, as search.Pool lays them out); they sum to D. nil means
	// one block of D.
	Widths []int
	// Recon: N rows of L values, the squared distance between the encoder
	// features (at t = 0) of the image and of its one-shot reconstruction
	// x̂_0 from level l; both feature vectors have unit length, so the
	// distance is 2 − 2·cos, in [0, 4].
	Recon [][]float64
}

// Features probes every image of x: (N, C, H, W) in [−1, 1] at each
// level t of opt.Steps: one network pass on x_t gives the encoder
// activations and the predicted noise, the noise gives the error and the
// reconstruction x̂_0 = (x_t − √(1−ᾱ)·ε̂)/√ᾱ (clamped to [−1, 1]), and one
// encoder pass at t = 0 on x̂_0 and on x compares the two in feature
// space (Graham et al. 2023 reconstruct from several levels; here the
// distance is taken in the denoiser's own features rather than pixels).
// Cost per image: L full passes and L + 1 encoder passes.
func (d *Detector) Features(x *tensor.Tensor, opt FeatureOptions) (f *Features, err error) {
	defer tensor.Recover(&err)
	if err := d.Check(x); err != nil {
		return nil, err
	}
	steps := opt.Steps
	if steps == nil {
		steps = DefaultSteps
	}
	T := d.Pipeline.Schedule.Steps()
	for _, t := range steps {
		if t < 0 || t >= T {
			return nil, fmt.Errorf("anomaly: features: step %d: want 0 … %d, the schedule's steps", t, T-1)
		}
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("anomaly: features: no noise levels")
	}
	grid := max(opt.Grid, 1)
	batch := opt.Batch
	if batch <= 0 {
		batch = 100
	}
	net := d.Pipeline.Net
	side := net.ImageSize >> (len(net.ChannelMult) - 1)
	if grid > side {
		return nil, fmt.Errorf("anomaly: features: grid %d: want 1 … %d (the bottleneck is %d×%d)", grid, side, side, side)
	}
	emb, err := search.NewEmbedder(net, d.Pipeline.Schedule, search.Options{T: 0, Seed: opt.Seed, Layers: search.LayersAll, Grid: grid})
	if err != nil {
		return nil, err
	}
	n, per, L, D := x.Dim(0), x.Len()/x.Dim(0), len(steps), emb.Dim()
	root := tensor.NewRNG(opt.Seed)
	eps := make([][]float32, L) // ε_t: (C, H, W), shared by all images
	for l := range steps {
		eps[l] = root.Split(uint64(l) + 1).Randn(x.Shape[1:]...).Data
	}
	f = &Features{Enc: tensor.New(n, L*D), Err: make([][]float64, n), Recon: make([][]float64, n)}
	for _, c := range layerChannels(net) {
		f.Widths = append(f.Widths, c*grid*grid)
	}
	for i := range n {
		f.Err[i], f.Recon[i] = make([]float64, L), make([]float64, L)
	}
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		b := hi - lo
		part := tensor.FromData(x.Data[lo*per:hi*per], append([]int{b}, x.Shape[1:]...)...)
		labels := d.labels(b)
		clean, err := emb.Embed(part) // (b, D)
		if err != nil {
			return nil, err
		}
		for l, t := range steps {
			ab := d.Pipeline.Schedule.AlphaBar(t)
			sa, sb := math.Sqrt(ab), math.Sqrt(1-ab)
			xt := tensor.New(part.Shape...)
			for j, v := range part.Data {
				xt.Data[j] = float32(sa*float64(v) + sb*float64(eps[l][j%per]))
			}
			ts, abs := make([]float64, b), make([]float64, b)
			for i := range ts {
				ts[i], abs[i] = float64(t), ab
			}
			g := autograd.NoGrad()
			enc := net.Encode(g, autograd.NewVar(xt), ts, labels)
			pooled := search.Pool(search.Activations(enc, search.LayersAll), grid) // (b, D)
			for i := range b {
				copy(f.Enc.Data[(lo+i)*L*D+l*D:(lo+i)*L*D+(l+1)*D], pooled.Data[i*D:(i+1)*D])
			}
			out := net.Decode(g, enc).Value
			var epsHat, x0 *tensor.Tensor
			switch d.Pipeline.Model.Target {
			case diffusion.Eps:
				epsHat, x0 = out, diffusion.EpsToX0(xt, out, abs)
			case diffusion.X0:
				epsHat, x0 = diffusion.X0ToEps(xt, out, abs), out
			case diffusion.V:
				epsHat, x0 = diffusion.VToEps(xt, out, abs), diffusion.VToX0(xt, out, abs)
			default:
				return nil, fmt.Errorf("anomaly: features: unknown target %q", d.Pipeline.Model.Target)
			}
			for i := range b {
				e := 0.0
				for j := range per {
					v := float64(epsHat.Data[i*per+j]) - float64(eps[l][j])
					e += v * v
				}
				f.Err[lo+i][l] = e / float64(per)
			}
			for j, v := range x0.Data {
				x0.Data[j] = max(-1, min(1, v))
			}
			rec, err := emb.Embed(x0)
			if err != nil {
				return nil, err
			}
			for i := range b {
				f.Recon[lo+i][l] = sqDist(clean.Data[i*D:(i+1)*D], rec.Data[i*D:(i+1)*D])
			}
		}
		if d.Progress != nil {
			d.Progress(hi, n)
		}
	}
	return f, nil
}

// layerChannels returns the channels of each activation that
// search.Activations(…, search.LayersAll) gives, in order: the stem, each
// encoder ResBlock and Downsample level by level, then the bottleneck.
func layerChannels(net *unet.Model) []int {
	last := len(net.ChannelMult) - 1
	out := []int{net.Channels}
	for i, mult := range net.ChannelMult {
		for range net.ResBlocks {
			out = append(out, net.Channels*mult)
		}
		if i < last {
			out = append(out, net.Channels*mult)
		}
	}
	return append(out, net.Channels*net.ChannelMult[last])
}

// labels returns b copies of the normal class, or nil for an
// unconditional model.
func (d *Detector) labels(b int) []int {
	if d.Class < 0 {
		return nil
	}
	l := make([]int, b)
	for i := range l {
		l[i] = d.Class
	}
	return l
}

func sqDist(a, b []float32) float64 {
	s := 0.0
	for i, v := range a {
		e := float64(v) - float64(b[i])
		s += e * e
	}
	return s
}

// CompressedBits returns, per image of x: (N, C, H, W) in [−1, 1], the
// length in bits per dimension of the image quantised to 8 bits and
// written as a PNG (deflate with per-row filters, Go's best
// compression): L(x)/D, the complexity estimate of Serrà et al. (2020).
// Channels 1 and 3 are grey and RGB; others are written as grey planes
// one under the other.
func CompressedBits(x *tensor.Tensor) ([]float64, error) {
	if x == nil || x.Rank() != 4 || x.Dim(0) == 0 {
		return nil, fmt.Errorf("anomaly: compressed bits: images %s: want (N ≥ 1, C, H, W)", tensorShape(x))
	}
	n, c, h, w := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	per := c * h * w
	out := make([]float64, n)
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	var buf bytes.Buffer
	for i := range n {
		px := x.Data[i*per : (i+1)*per]
		q := func(v float32) uint8 { return uint8(math.Round(float64(max(-1, min(1, v))+1) * 127.5)) }
		var img image.Image
		if c == 3 {
			m := image.NewRGBA(image.Rect(0, 0, w, h))
			for y := range h {
				for xx := range w {
					o := m.PixOffset(xx, y)
					for ch := range 3 {
						m.Pix[o+ch] = q(px[(ch*h+y)*w+xx])
					}
					m.Pix[o+3] = 255
				}
			}
			img = m
		} else {
			m := image.NewGray(image.Rect(0, 0, w, c*h))
			for j, v := range px {
				m.Pix[j] = q(v)
			}
			img = m
		}
		buf.Reset()
		if err := enc.Encode(&buf, img); err != nil {
			return nil, fmt.Errorf("anomaly: compressed bits: image %d: %w", i, err)
		}
		out[i] = 8 * float64(buf.Len()) / float64(per)
	}
	return out, nil
}
