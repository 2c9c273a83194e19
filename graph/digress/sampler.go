package digress

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/graph"
	"github.com/diffusego/diffusego/tensor"
)

// Denoiser predicts the clean graph from a noisy one: for each graph of z
// at its time t[b] ∈ (0, 1], the distribution of every node's category,
// px (B, N, Kx), and of every pair's, pe (B, N, N, Ke), row-major float64
// rows that sum to 1 for real nodes and pairs (padding rows are not read).
// It is p_θ(x_0 | z_t), factorised over elements, as in DiGress.
type Denoiser interface {
	Predict(z *Batch, t []float64) (px, pe []float64, err error)
}

// Sampler generates graphs by running the reverse process from the prior
// z_1 down to t = 0 in Steps equal steps of time (t_i = i/Steps), at each
// step drawing z_s ~ p_θ(z_s | z_t) (Process.Step). At the last step
// ᾱ_0 = 1, so the graph is a draw from the denoiser's x_0 distribution.
// Temperature τ sharpens (τ < 1) or flattens (τ > 1) p_θ(x_0 | z_t) as
// p^{1/τ}, renormalised; 1 (or 0) leaves it as it is.
type Sampler struct {
	Process     *Process
	Steps       int
	Temperature float64
	Batch       int    // graphs per denoiser call; 0 means 64
	OnStep      func() // when set, called after every reverse step of every batch
}

// Sample returns one graph per entry of sizes (its node count). Graph k
// draws its prior and every step from rng.Split(k): the same seed and
// sizes give the same graphs whatever the batch size. ctx is checked
// between steps.
func (s Sampler) Sample(ctx context.Context, d Denoiser, sizes []int, rng *tensor.RNG) ([]*graph.Graph, error) {
	if s.Steps < 1 {
		return nil, fmt.Errorf("digress: sampler: %d steps: want ≥ 1", s.Steps)
	}
	if s.Temperature < 0 || math.IsNaN(s.Temperature) || math.IsInf(s.Temperature, 0) {
		return nil, fmt.Errorf("digress: sampler: temperature %v: want > 0", s.Temperature)
	}
	for k, n := range sizes {
		if n < 1 || n > graph.MaxNodes {
			return nil, fmt.Errorf("digress: sampler: graph %d: %d nodes: want 1 to %d", k, n, graph.MaxNodes)
		}
	}
	bs := s.Batch
	if bs <= 0 {
		bs = 64
	}
	out := make([]*graph.Graph, 0, len(sizes))
	for lo := 0; lo < len(sizes); lo += bs {
		hi := min(lo+bs, len(sizes))
		rngs := make([]*tensor.RNG, hi-lo)
		for k := range rngs {
			rngs[k] = rng.Split(uint64(lo + k))
		}
		gs, err := s.sampleBatch(ctx, d, sizes[lo:hi], rngs)
		if err != nil {
			return nil, err
		}
		out = append(out, gs...)
	}
	return out, nil
}

// sampleBatch runs the reverse process on one batch, graph b drawing from rngs[b].
func (s Sampler) sampleBatch(ctx context.Context, d Denoiser, sizes []int, rngs []*tensor.RNG) ([]*graph.Graph, error) {
	p := s.Process
	z := NewBatch(sizes)
	// The prior, graph by graph, each from its own stream.
	for b, n := range sizes {
		zb := p.Prior([]int{n}, rngs[b].Split(0))
		copyGraph(z, b, zb)
	}
	kx, ke := p.Nodes.K(), p.Edges.K()
	ts := make([]float64, len(sizes))
	for i := s.Steps; i >= 1; i-- {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t, sTime := float64(i)/float64(s.Steps), float64(i-1)/float64(s.Steps)
		for b := range ts {
			ts[b] = t
		}
		px, pe, err := d.Predict(z, ts)
		if err != nil {
			return nil, err
		}
		if s.Temperature != 0 && s.Temperature != 1 {
			sharpen(px, kx, 1/s.Temperature)
			sharpen(pe, ke, 1/s.Temperature)
		}
		n := z.N
		for b := range sizes {
			// Step graph b alone with its own stream, so that the draw does
			// not depend on its place in the batch.
			zb := sliceGraph(z, b)
			pxb := px[b*n*kx : (b+1)*n*kx]
			peb := pe[b*n*n*ke : (b+1)*n*n*ke]
			p.Step(zb, t, sTime, pxb, peb, rngs[b].Split(uint64(i)))
			copyGraph(z, b, zb)
		}
		if s.OnStep != nil {
			s.OnStep()
		}
	}
	return z.Graphs(), nil
}

// sliceGraph copies graph b of z into a batch of one, padded to z.N.
func sliceGraph(z *Batch, b int) *Batch {
	n := z.N
	return &Batch{B: 1, N: n, Sizes: []int{z.Sizes[b]},
		X: append([]int(nil), z.X[b*n:(b+1)*n]...), E: append([]int(nil), z.E[b*n*n:(b+1)*n*n]...)}
}

// copyGraph writes the only graph of one into slot b of z.
func copyGraph(z *Batch, b int, one *Batch) {
	n, m := z.N, one.N
	for i := 0; i < one.Sizes[0]; i++ {
		z.X[b*n+i] = one.X[i]
		for j := 0; j < one.Sizes[0]; j++ {
			z.E[(b*n+i)*n+j] = one.E[i*m+j]
		}
	}
}

// sharpen raises each row of k probabilities to the power pow and
// renormalises it; rows of zeros stay zero.
func sharpen(p []float64, k int, pow float64) {
	for r := 0; r+k <= len(p); r += k {
		row := p[r : r+k]
		s := 0.0
		for i, v := range row {
			if v > 0 {
				row[i] = math.Pow(v, pow)
				s += row[i]
			}
		}
		if s > 0 {
			for i := range row {
				row[i] /= s
			}
		}
	}
}
