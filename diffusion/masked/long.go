package masked

import (
	"context"
	"fmt"

	"github.com/diffusego/diffusego/tensor"
)

// GenerateLong produces b sequences of total tokens each, longer than the
// denoiser's context l, in semi-autoregressive blocks (the decoding of
// Sahoo et al. 2024 for long sequences; Han et al. 2023, SSD-LM): every
// window is l tokens long; its first c tokens are the last c tokens
// generated so far, held fixed, and the other l − c are sampled with
// s.Sample, then appended. c is the whole
// output while it is shorter than l − block, and l − block after that, so
// every window but the first ones adds exactly block tokens, each
// conditioned on the l − block tokens before it. The last window's tokens
// past total are dropped.
//
// prompt (B, P) row-major, P = len(prompt)/b ≥ 0, starts every sequence and
// comes back unchanged; P ≤ total. 1 ≤ block ≤ l. Result.Tokens is
// (B, total); Calls and Rows add up over the windows. visit sees every step
// of every window, numbered on across windows (window w's step i is
// w·Steps + i), with that window's tokens (B, l).
func (s Sampler) GenerateLong(ctx context.Context, d Denoiser, prompt []int, b, l, total, block int, rng *tensor.RNG, visit Visit) (res Result, err error) {
	defer tensor.Recover(&err)
	if err := s.check(); err != nil {
		return Result{}, err
	}
	switch {
	case b < 1 || l < 1:
		return Result{}, fmt.Errorf("masked: generate long: batch %d × context %d: want both at least 1", b, l)
	case block < 1 || block > l:
		return Result{}, fmt.Errorf("masked: generate long: block = %d: want 1 ≤ block ≤ context %d", block, l)
	case len(prompt)%b != 0:
		return Result{}, fmt.Errorf("masked: generate long: prompt: %d ids do not split into %d rows", len(prompt), b)
	}
	pl := len(prompt) / b
	if total < pl || total < 1 {
		return Result{}, fmt.Errorf("masked: generate long: total = %d: want at least 1 and at least the prompt's %d tokens", total, pl)
	}
	if pl > 0 {
		if err := checkTokens("prompt", prompt, b, pl, s.V, false); err != nil {
			return Result{}, err
		}
	}
	out := make([][]int, b) // each row's tokens so far
	for i := range out {
		out[i] = make([]int, pl, total+l)
		copy(out[i], prompt[i*pl:(i+1)*pl])
	}
	z := make([]int, b*l)
	for w := 0; len(out[0]) < total; w++ {
		c := min(len(out[0]), l-block)
		for i := range b {
			copy(z[i*l:i*l+c], out[i][len(out[i])-c:])
			for j := c; j < l; j++ {
				z[i*l+j] = s.V
			}
		}
		var v Visit
		if visit != nil {
			v = func(step int, t float64, z []int) { visit(w*s.Steps+step, t, z) }
		}
		r, err := s.Sample(ctx, d, z, b, l, rng, v)
		if err != nil {
			return Result{}, fmt.Errorf("masked: generate long: window %d (tokens %d..%d): %w", w, len(out[0]), len(out[0])+l-c, err)
		}
		res.Calls += r.Calls
		res.Rows += r.Rows
		for i := range b {
			out[i] = append(out[i], r.Tokens[i*l+c:(i+1)*l]...)
		}
	}
	res.Tokens = make([]int, 0, b*total)
	for i := range b {
		res.Tokens = append(res.Tokens, out[i][:total]...)
	}
	return res, nil
}
