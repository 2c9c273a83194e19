package digress

import (
	"github.com/diffusego/diffusego/tensor"
)

// Process is the forward and reverse process on graphs: Nodes acts on
// every real node's category and Edges on every real node pair's, the
// pair {i, j} being one element (drawn once for i < j and mirrored), so
// that noisy graphs stay undirected. Time runs over [0, 1] with ᾱ_t from
// AlphaBar (CosineAlphaBar when nil).
type Process struct {
	Nodes, Edges Marginal
	AlphaBar     func(t float64) float64
}

func (p *Process) alphaBar(t float64) float64 {
	if p.AlphaBar == nil {
		return CosineAlphaBar(t)
	}
	return p.AlphaBar(t)
}

// Noise returns z_t ~ q(G_t | G_0) for the clean batch x0 and one time per
// graph: each real node and each real pair i < j keeps its category with
// probability ᾱ_t and is otherwise redrawn from its marginal. Graph b
// draws from rng.Split(b), so a graph's noise does not depend on the rest
// of the batch.
func (p *Process) Noise(x0 *Batch, ts []float64, rng *tensor.RNG) *Batch {
	z := x0.Clone()
	n := z.N
	for b := 0; b < z.B; b++ {
		r := rng.Split(uint64(b))
		ab := p.alphaBar(ts[b])
		for i := 0; i < z.Sizes[b]; i++ {
			if r.Uniform() >= ab {
				z.X[b*n+i] = draw(p.Nodes.M, r.Uniform())
			}
			for j := i + 1; j < z.Sizes[b]; j++ {
				if r.Uniform() >= ab {
					e := draw(p.Edges.M, r.Uniform())
					z.E[(b*n+i)*n+j], z.E[(b*n+j)*n+i] = e, e
				}
			}
		}
	}
	return z
}

// Prior returns z_1: graphs of the given sizes whose node and pair
// categories are independent draws from the marginals (the stationary
// distribution), graph b drawing from rng.Split(b).
func (p *Process) Prior(sizes []int, rng *tensor.RNG) *Batch {
	z := NewBatch(sizes)
	n := z.N
	for b := range sizes {
		r := rng.Split(uint64(b))
		for i := 0; i < sizes[b]; i++ {
			z.X[b*n+i] = draw(p.Nodes.M, r.Uniform())
			for j := i + 1; j < sizes[b]; j++ {
				e := draw(p.Edges.M, r.Uniform())
				z.E[(b*n+i)*n+j], z.E[(b*n+j)*n+i] = e, e
			}
		}
	}
	return z
}

// Step replaces z (at time t) by a draw of z_s ~ p_θ(z_s | z_t) for s < t,
// given the denoiser's distributions of x_0: px (B, N, Kx) and pe
// (B, N, N, Ke), row-major; only real nodes and pairs i < j are read.
// Every element is drawn independently, as DiGress's reverse process
// factorises: p(z_s | z_t) = Π_i p(x_s^i | z_t) Π_{i<j} p(e_s^{ij} | z_t),
// each the Reverse mixture. Graph b draws from rng.Split(b).
func (p *Process) Step(z *Batch, t, s float64, px, pe []float64, rng *tensor.RNG) {
	abT, abS := p.alphaBar(t), p.alphaBar(s)
	kx, ke := p.Nodes.K(), p.Edges.K()
	n := z.N
	outX, tmpX := make([]float64, kx), make([]float64, kx)
	outE, tmpE := make([]float64, ke), make([]float64, ke)
	for b := 0; b < z.B; b++ {
		r := rng.Split(uint64(b))
		for i := 0; i < z.Sizes[b]; i++ {
			at := b*n + i
			p.Nodes.Reverse(abS, abT, z.X[at], px[at*kx:(at+1)*kx], outX, tmpX)
			z.X[at] = draw(outX, r.Uniform())
			for j := i + 1; j < z.Sizes[b]; j++ {
				e := (b*n+i)*n + j
				p.Edges.Reverse(abS, abT, z.E[e], pe[e*ke:(e+1)*ke], outE, tmpE)
				v := draw(outE, r.Uniform())
				z.E[e], z.E[(b*n+j)*n+i] = v, v
			}
		}
	}
}
