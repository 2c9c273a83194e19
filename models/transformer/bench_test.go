package transformer_test

import (
	"fmt"
	"runtime/metrics"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/models/transformer"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// mask is bench-text's [MASK] token id.
const mask = 128

// mdlmBatch draws a training batch as the PyTorch peer does (TEXT_SPEC.md,
// "The training loss"): b random printable characters per position,
// stratified t_i = 0.001 + 0.999·((u + i/b) mod 1), each token masked with
// probability t_i.
func mdlmBatch(b, l int, rng *tensor.RNG) (z, x0 []int, masked []bool, t []float64) {
	z, x0, masked, t = make([]int, b*l), make([]int, b*l), make([]bool, b*l), make([]float64, b)
	u := rng.Uniform()
	for i := range t {
		f := u + float64(i)/float64(b)
		t[i] = 0.001 + 0.999*(f-float64(int(f)))
	}
	for i := range x0 {
		x0[i] = 32 + rng.Intn(95)
		masked[i] = rng.Uniform() < t[i/l]
		z[i] = x0[i]
		if masked[i] {
			z[i] = mask
		}
	}
	return z, x0, masked, t
}

// warmupCalls is how many training steps or forward passes run untimed
// before each benchmark's timed loop, as the peer's --warmup (2) does
// (torch_text_bench.py beside shared/bench/TEXT_SPEC.md): the first call touches every pooled buffer
// for the first time, which b.Loop would otherwise time.
const warmupCalls = 2

// BenchmarkTrain times full bench-text training steps as the PyTorch peer
// does: a fresh masked batch, forward, the MDLM loss, backward on a pooled
// graph (as training does) and an AdamW step (lr 3e-4, PyTorch's default
// betas, ε and weight decay 0.01). It reports sequences of 256 per second.
func BenchmarkTrain(b *testing.B) {
	for _, n := range []int{32, 8} {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			cfg := transformer.Bench()
			rng := tensor.NewRNG(0)
			m, err := transformer.New(cfg, rng)
			if err != nil {
				b.Fatal(err)
			}
			ps := m.Params()
			opt := optim.NewAdamW(ps, 3e-4, 0.9, 0.999, 1e-8, 0.01)
			step := func() {
				z, x0, masked, t := mdlmBatch(n, cfg.MaxLen, rng)
				nn.ZeroGrad(ps)
				g := autograd.NewPooled()
				loss := mdlmLoss(g, m.Forward(g, z, n, cfg.MaxLen, t), x0, masked, t)
				if err := g.Backward(loss); err != nil {
					b.Fatal(err)
				}
				if err := opt.Step(); err != nil {
					b.Fatal(err)
				}
			}
			for range warmupCalls {
				step()
			}
			b.ReportAllocs()
			idle := idleShare()
			for b.Loop() {
				step()
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "seq/s")
			b.ReportMetric(idle(), "idle-%")
		})
	}
}

// BenchmarkSample times one denoising step's network work as the PyTorch
// peer does: a no-grad forward pass (pooled, as sampling runs) of
// all-mask sequences at t = 0.5. It reports sequences of 256 per second.
func BenchmarkSample(b *testing.B) {
	for _, n := range []int{32, 8} {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			cfg := transformer.Bench()
			m, err := transformer.New(cfg, tensor.NewRNG(0))
			if err != nil {
				b.Fatal(err)
			}
			z, t := make([]int, n*cfg.MaxLen), make([]float64, n)
			for i := range z {
				z[i] = mask
			}
			for i := range t {
				t[i] = 0.5
			}
			pass := func() {
				g := autograd.NoGradPooled()
				m.Forward(g, z, n, cfg.MaxLen, t)
				g.Release(nil)
			}
			for range warmupCalls {
				pass()
			}
			b.ReportAllocs()
			idle := idleShare()
			for b.Loop() {
				pass()
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "seq/s")
			b.ReportMetric(idle(), "idle-%")
		})
	}
}

// idleShare starts measuring how much of the Go scheduler's capacity
// (GOMAXPROCS × wall time) sat idle, from the runtime's CPU-class
// estimates; the function it returns gives the share since then, in
// percent. Work that does not keep every worker busy (serial stretches,
// uneven chunks, waits on a chunk whose thread the OS descheduled) shows
// up here, where CPU time per sequence cannot see it.
func idleShare() func() float64 {
	s := []metrics.Sample{{Name: "/cpu/classes/idle:cpu-seconds"}, {Name: "/cpu/classes/total:cpu-seconds"}}
	metrics.Read(s)
	idle0, total0 := s[0].Value.Float64(), s[1].Value.Float64()
	return func() float64 {
		metrics.Read(s)
		total := s[1].Value.Float64() - total0
		if total <= 0 {
			return 0
		}
		return 100 * (s[0].Value.Float64() - idle0) / total
	}
}
