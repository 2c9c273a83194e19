package diffwave

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
)

// NoiseFrame is the frame length of EstimateNoise in seconds (20 ms).
const NoiseFrame = 0.02

// noiseQuantile is the share of frames, quietest first, whose level
// EstimateNoise reads: the frame at this quantile of the frame energies.
const noiseQuantile = 0.1

// EstimateNoise estimates the standard deviation σ of additive white
// noise in a mono clip x at rate Hz from its quietest frames. The clip is
// cut into frames of NoiseFrame seconds; in each, the pairwise differences
// d_j = (x_{2j} − x_{2j+1})/√2 (which remove most of speech's
// low-frequency energy and leave white noise at variance σ²) give the
// frame energy e = mean(d_j²). Over frames of pure noise, e·k/σ² is χ²
// with k = the frame's pair count, so the q = 10% quantile of the frame
// energies is divided by the same quantile of χ²_k/k (Wilson and
// Hilferty's 1931 approximation, (1 − 2/(9k) + z_q·√(2/(9k)))³ with
// z_q = Φ⁻¹(0.1)): unbiased when at least a tenth of the clip is speech
// pauses, which the padded 1-s digit clips always have. A clip shorter
// than one frame is one frame. It returns 0 for digital silence.
func EstimateNoise(x []float64, rate int) (float64, error) {
	if rate < 1 {
		return 0, fmt.Errorf("estimate noise: rate %d Hz: want > 0", rate)
	}
	if len(x) < 2 {
		return 0, fmt.Errorf("estimate noise: %d samples: want at least 2", len(x))
	}
	pairs := max(1, int(math.Round(NoiseFrame*float64(rate)/2)))
	pairs = min(pairs, len(x)/2)
	var energies []float64
	for lo := 0; lo+2*pairs <= len(x); lo += 2 * pairs {
		e := 0.0
		for j := range pairs {
			d := (x[lo+2*j] - x[lo+2*j+1]) / math.Sqrt2
			e += d * d
		}
		energies = append(energies, e/float64(pairs))
	}
	slices.Sort(energies)
	q := energies[int(noiseQuantile*float64(len(energies)-1)+0.5)]
	const z = -1.2815515655446004 // Φ⁻¹(0.1)
	k := float64(pairs)
	c := math.Pow(1-2/(9*k)+z*math.Sqrt(2/(9*k)), 3)
	if c <= 0.05 {
		c = 0.05 // very short frames: the approximation fails; stay finite
	}
	return math.Sqrt(q / c), nil
}

// PriorDenoise estimates the clean speech of noisy clips (N, 1, Samples),
// y = x + σ·z with white noise z, using a generation model unconditionally
// (the null class) as the prior, as restore.Denoise does for images. Each
// clip is scaled by s = Peak/max|y| (the generation model's training
// clips are peak-normalised to Peak, see Normalize), so the model sees
// s·y = s·x + s·σ·z. The samplers work in the σ view, where the VP state
// x_t = α_t·x_0 + σ_t·ε is x_t/α_t = x_0 + (σ_t/α_t)·ε: s·y is exactly the
// state at the diffusion time t whose σ_t/α_t equals s·σ (the model's
// VPDenoiser finds that t and multiplies by α_t before the network), so
// the reverse sampler runs from there to 0 (Meng et al. 2022's SDEdit
// start at the input's own noise level; Kawar et al. 2022). With a
// stochastic sampler (ddpm) every run is a draw from p(x | y) under the
// prior and the mean of k draws approaches the posterior mean E[x | y];
// a deterministic sampler follows the probability-flow ODE instead, which
// maps y to a plausible clean clip, not to the mean. The estimate is
// scaled back by 1/s.
//
// sigma is σ in the clips' own units, the same for every clip; 0 means
// estimate it per clip with EstimateNoise. The levels used are returned.
// A clip whose scaled level is below restore's smallest step (0.002) is
// returned unchanged. opts.Sampler gives the sampler and its step count
// (Karras-spaced from s·σ down, restore.Sigmas); its temperature scales
// the noise a stochastic sampler injects (the start is the clip itself).
// Draw j of clip i uses the seed stream (opts.Seed, First+i, j), so
// a clip's estimate does not depend on the batch.
func PriorDenoise(ctx context.Context, m *Model, noisy *tensor.Tensor, sigma float64, k int, opts Options) (out *tensor.Tensor, sigmas []float64, err error) {
	defer tensor.Recover(&err)
	cfg := m.Config
	if cfg.Task != TaskGenerate {
		return nil, nil, fmt.Errorf("prior denoise: the model was trained for %q: the prior must be a generation model", cfg.Task)
	}
	L := cfg.Samples
	if noisy == nil || noisy.Rank() != 3 || noisy.Dim(1) != 1 || noisy.Dim(2) != L {
		return nil, nil, fmt.Errorf("prior denoise: noisy clips %s: want (N, 1, %d)", shapeOf(noisy), L)
	}
	var labels []int
	if cfg.Classes > 0 {
		labels = []int{m.NullLabel()}
	}
	d, err := m.Denoiser(labels, nil)
	if err != nil {
		return nil, nil, err
	}
	return priorDenoise(ctx, d, noisy, cfg.Rate, sigma, k, cfg.Steps, opts)
}

// priorDenoise is PriorDenoise with the prior's denoiser d (for one clip,
// (1, 1, L), in the peak-normalised scale) given; T is the prior's number
// of training steps (for the sampler's usual step count).
func priorDenoise(ctx context.Context, d sampler.Denoiser, noisy *tensor.Tensor, rate int, sigma float64, k, T int, opts Options) (*tensor.Tensor, []float64, error) {
	if k < 1 {
		return nil, nil, fmt.Errorf("prior denoise: samples: want ≥ 1, got %d", k)
	}
	if sigma < 0 || math.IsNaN(sigma) || math.IsInf(sigma, 0) {
		return nil, nil, fmt.Errorf("prior denoise: noise level: want ≥ 0 (0: estimate), got %g", sigma)
	}
	if opts.First < 0 {
		return nil, nil, fmt.Errorf("prior denoise: first: want ≥ 0, got %d", opts.First)
	}
	s, err := opts.Sampler.Build()
	if err != nil {
		return nil, nil, err
	}
	steps := opts.Sampler.StepCount(T)
	n, L := noisy.Dim(0), noisy.Dim(2)
	out := tensor.New(n, 1, L)
	sigmas := make([]float64, n)
	done, total := 0, 0
	for i := range n {
		row := noisy.Data[i*L : (i+1)*L]
		x := make([]float64, L)
		for j, v := range row {
			x[j] = float64(v)
		}
		sigmas[i] = sigma
		if sigma == 0 {
			if sigmas[i], err = EstimateNoise(x, rate); err != nil {
				return nil, nil, fmt.Errorf("prior denoise: clip %d: %w", i, err)
			}
		}
		scale := audio.PeakScale(x, Peak)
		sn := scale * sigmas[i]
		if sn < 0.002 {
			copy(out.Data[i*L:(i+1)*L], row)
			continue
		}
		y := tensor.New(1, 1, L)
		for j, v := range x {
			y.Data[j] = float32(v * scale)
		}
		o := restore.DenoiseOptions{Sampler: s, Steps: steps, Samples: k,
			Seed: opts.Seed ^ uint64(opts.First+i)*0x9E3779B97F4A7C15}
		if opts.Progress != nil {
			o.Progress = func(step, all int) {
				if total == 0 {
					total = all * n // an estimate: clips below 0.002 take no steps
				}
				opts.Progress(done+step, total)
			}
		}
		dd := d
		if opts.Calls != nil {
			dd = counted{d, opts.Calls}
		}
		x0, err := restore.Denoise(ctx, dd, y, sn, o)
		if err != nil {
			return nil, nil, fmt.Errorf("prior denoise: clip %d: %w", i, err)
		}
		if opts.Progress != nil {
			done += total / n
		}
		for j, v := range x0.Data {
			out.Data[i*L+j] = float32(float64(v) / scale)
		}
	}
	return out, sigmas, nil
}

// PriorDenoiseClip is PriorDenoise for a mono clip at the model's rate of
// any length: the noise level, when sigma is 0, is estimated once over the
// whole clip (more pauses than one window has), the clip is cut into the
// model's windows (the last zero-padded), each is denoised, and the
// result is cut back to len(x). It returns the noise level used.
func PriorDenoiseClip(ctx context.Context, m *Model, x []float64, sigma float64, k int, opts Options) ([]float32, float64, error) {
	if sigma == 0 {
		var err error
		if sigma, err = EstimateNoise(x, m.Config.Rate); err != nil {
			return nil, 0, err
		}
		if sigma == 0 {
			out := make([]float32, len(x))
			for i, v := range x {
				out[i] = float32(v)
			}
			return out, 0, nil
		}
	}
	y, _, err := PriorDenoise(ctx, m, Chunks(x, m.Config.Samples), sigma, k, opts)
	if err != nil {
		return nil, 0, err
	}
	return y.Data[:len(x)], sigma, nil
}

// PriorMethod is a generation model used as the prior (PriorDenoise) as
// an enhance.Method, for the tables of audio/enhance: one clip at a time,
// Samples draws averaged. Given the noise (an enhance.Entry with
// TrueNoise), σ is its standard deviation; otherwise it is estimated
// (EstimateNoise).
type PriorMethod struct {
	Model   *Model
	Samples int
	Options Options
	Label   string // the table's row name; empty gives a description
}

// Name implements enhance.Method.
func (p PriorMethod) Name() string {
	if p.Label != "" {
		return p.Label
	}
	return fmt.Sprintf("diffusego DiffWave generator as the prior (%s, %d steps, mean of %d)", p.Options.Sampler.Name,
		p.Options.Sampler.StepCount(p.Model.Config.Steps), p.Samples)
}

// Denoise implements enhance.Method.
func (p PriorMethod) Denoise(noisy []float64, rate int, noise []float64) ([]float64, error) {
	L := p.Model.Config.Samples
	if rate != p.Model.Config.Rate || len(noisy) != L {
		return nil, fmt.Errorf("prior denoise: %d samples at %d Hz: want %d at %d Hz", len(noisy), rate, L, p.Model.Config.Rate)
	}
	sigma := 0.0
	if len(noise) > 0 {
		mean, sq := 0.0, 0.0
		for _, v := range noise {
			mean += v
		}
		mean /= float64(len(noise))
		for _, v := range noise {
			sq += (v - mean) * (v - mean)
		}
		sigma = math.Sqrt(sq / float64(len(noise)))
	}
	y, _, err := PriorDenoiseClip(context.Background(), p.Model, noisy, sigma, p.Samples, p.Options)
	if err != nil {
		return nil, err
	}
	out := make([]float64, L)
	for i, v := range y {
		out[i] = float64(v)
	}
	return out, nil
}
