package restore

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tensor"
)

// ReconOptions controls ReconstructionScores.
type ReconOptions struct {
	Sigmas  []float64      // noise levels to reconstruct from; nil means {0.2, 0.5, 1}
	Seeds   int            // noise draws per level; 0 means 2
	Seed    uint64         // the noise of draw s at level l comes from tensor.NewRNG(Seed).Split(l·Seeds+s)
	Denoise DenoiseOptions // how each noised image is brought back; draw number k runs with Seed Denoise.Seed+k
	// Progress, when set, is told after every sampler step of every draw:
	// the steps done over all levels and draws, and their total (Steps).
	// It does not change the scores.
	Progress func(step, total int)
}

// withDefaults fills in the zero fields as ReconstructionScores reads them.
func (o ReconOptions) withDefaults() ReconOptions {
	if o.Sigmas == nil {
		o.Sigmas = []float64{0.2, 0.5, 1}
	}
	if o.Seeds == 0 {
		o.Seeds = 2
	}
	return o
}

// Steps returns the sampler steps ReconstructionScores takes for one
// batch: over every level and draw, the steps of Denoise from that level
// (its posterior samples included; 1 for OneShot).
func (o ReconOptions) Steps() int {
	o = o.withDefaults()
	total := 0
	for _, sigma := range o.Sigmas {
		total += o.Seeds * o.Denoise.steps(sigma)
	}
	return total
}

// ReconstructionScores returns one anomaly score per image of x: (N, …):
// each image is noised to every level σ in Sigmas, x + σ·z, brought back
// with Denoise from σ, and the mean squared error to x is averaged over
// the levels and the Seeds draws. Images the model knows are reconstructed
// well; unfamiliar ones are pulled towards the training data and score
// high (the diffusion analogue of an autoencoder's reconstruction error;
// Graham et al. 2023, Wyatt et al. 2022).
func ReconstructionScores(ctx context.Context, d sampler.Denoiser, x *tensor.Tensor, opt ReconOptions) ([]float64, error) {
	if x == nil || x.Rank() < 1 || x.Len() == 0 {
		return nil, fmt.Errorf("restore: reconstruction scores: want a non-empty batch (N, …), got %s", shapeOf(x))
	}
	opt = opt.withDefaults()
	if opt.Seeds < 1 || len(opt.Sigmas) == 0 {
		return nil, fmt.Errorf("restore: reconstruction scores: %d levels, %d seeds: want ≥ 1 of each", len(opt.Sigmas), opt.Seeds)
	}
	n, per := x.Dim(0), x.Len()/x.Dim(0)
	scores := make([]float64, n)
	root := tensor.NewRNG(opt.Seed)
	draws := float64(len(opt.Sigmas) * opt.Seeds)
	done, total := 0, opt.Steps()
	for l, sigma := range opt.Sigmas {
		for s := range opt.Seeds {
			rng := root.Split(uint64(l*opt.Seeds + s))
			y := x.Clone()
			for i := range y.Data {
				y.Data[i] = float32(float64(y.Data[i]) + sigma*rng.Normal())
			}
			dopt := opt.Denoise
			dopt.Seed = opt.Denoise.Seed + uint64(l*opt.Seeds+s)
			if opt.Progress != nil {
				inner := dopt.Progress
				dopt.Progress = func(step, steps int) {
					if inner != nil {
						inner(step, steps)
					}
					opt.Progress(done+step, total)
				}
			}
			rec, err := Denoise(ctx, d, y, sigma, dopt)
			if err != nil {
				return nil, fmt.Errorf("restore: reconstruction at sigma %.4g, draw %d: %w", sigma, s, err)
			}
			done += opt.Denoise.steps(sigma)
			for i := range n {
				e := 0.0
				for j := i * per; j < (i+1)*per; j++ {
					v := float64(rec.Data[j] - x.Data[j])
					e += v * v
				}
				scores[i] += e / float64(per) / draws
			}
		}
	}
	return scores, nil
}

// ELBOFunc computes one score per image of x: (N, …), such as the negative
// ELBO in bits per dimension from a likelihood evaluator; higher means more
// anomalous.
type ELBOFunc func(x *tensor.Tensor) ([]float64, error)

// ELBOScores calls f on x and checks that it returned N finite scores.
func ELBOScores(f ELBOFunc, x *tensor.Tensor) ([]float64, error) {
	if x == nil || x.Rank() < 1 {
		return nil, fmt.Errorf("restore: elbo scores: want a batch (N, …), got %s", shapeOf(x))
	}
	s, err := f(x)
	if err != nil {
		return nil, fmt.Errorf("restore: elbo scores: %w", err)
	}
	if len(s) != x.Dim(0) {
		return nil, fmt.Errorf("restore: elbo scores: got %d scores for %d images", len(s), x.Dim(0))
	}
	for i, v := range s {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("restore: elbo scores: image %d: score %v, want a finite number", i, v)
		}
	}
	return s, nil
}
