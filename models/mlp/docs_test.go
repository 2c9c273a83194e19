package mlp

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/internal/plot2d"
	"github.com/diffusego/diffusego/tensor"
)

var updateDocs = flag.Bool("update-docs", false, "regenerate docs/samplers.md and docs/img/toy2d-*.png")

// docsDir is the repository's docs folder, seen from this package.
const docsDir = "../../docs"

// TestUpdateDocs regenerates the sampler table of docs/samplers.md and the
// scatter plots docs/img/toy2d-<set>.png from the models of
// TestBenchmark2D: every sampler of samplerCases at every step count of
// its grid, on every set. It runs only with -update-docs (about a minute):
//
//	go test ./models/mlp -run TestUpdateDocs -update-docs -v
func TestUpdateDocs(t *testing.T) {
	if !*updateDocs {
		t.Skip("run with -update-docs to regenerate docs/samplers.md")
	}
	type cell struct {
		swd     float64
		perKilo time.Duration // wall time per 1000 samples
		calls   int           // model calls per sample
	}
	results := map[string]map[string]cell{} // set → "sampler/steps" → cell
	var floors, gausses []float64
	var trainTimes []time.Duration
	for _, name := range data.Toy2DNames {
		s := trainedWith(t, name, docsTraining)
		trainTimes = append(trainTimes, s.trainTime)
		floors = append(floors, swd(t, s.heldOut, s.heldOut2))
		gausses = append(gausses, swd(t, tensor.NewRNG(5).Randn(nEval, 2), s.heldOut))
		results[name] = map[string]cell{}
		panels := []plot2d.Panel{{Title: "held-out data", Points: s.heldOut}}
		for _, c := range samplerCases {
			for _, n := range c.grid {
				counted := &counter{d: s.model}
				x, dt := sampleWith(t, counted, c, n, nEval, 9)
				results[name][key(c.name, n)] = cell{swd(t, x, s.heldOut), dt * 1000 / nEval, counted.calls}
				if n == c.steps {
					title := fmt.Sprintf("%s, %d steps", c.name, n)
					if c.name == "pf-ode" {
						title = fmt.Sprintf("pf-ode, adaptive (%d calls)", counted.calls)
					}
					panels = append(panels, plot2d.Panel{Title: title, Points: x})
				}
			}
		}
		path := filepath.Join(docsDir, "img", "toy2d-"+name+".png")
		err := checkpoint.WriteAtomic(path, func(w io.Writer) error {
			return plot2d.Grid(w, panels, 4, 2.2*vg.Inch, 2.6)
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
	guidance := map[float64]float64{}
	for _, w := range []float64{0, 1, 3} {
		guidance[w] = guidedHits(t, trainedWith(t, "8gaussians", docsTraining).model, w)
	}

	var b strings.Builder
	fmt.Fprintf(&b, docsHead, nTrain, nEval, directions, runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0),
		trainTimes[0].Seconds(), trainTimes[1].Seconds(), trainTimes[2].Seconds())
	b.WriteString("| sampler | steps | model calls | SWD moons | SWD 8 Gaussians | SWD Swiss roll | ms per 1000 samples |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| *real vs real (floor)* | | | %.4f | %.4f | %.4f | |\n", floors[0], floors[1], floors[2])
	fmt.Fprintf(&b, "| *N(0, I) vs real* | | | %.4f | %.4f | %.4f | |\n", gausses[0], gausses[1], gausses[2])
	for _, c := range samplerCases {
		for _, n := range c.grid {
			k := key(c.name, n)
			var ms float64
			fmt.Fprintf(&b, "| %s | %d | %d |", c.name, n, results[data.Toy2DNames[0]][k].calls)
			for _, name := range data.Toy2DNames {
				r := results[name][k]
				mark := ""
				if n == c.steps {
					mark = "**"
				}
				fmt.Fprintf(&b, " %s%.4f%s |", mark, r.swd, mark)
				ms += r.perKilo.Seconds() * 1000 / float64(len(data.Toy2DNames))
			}
			fmt.Fprintf(&b, " %.0f |\n", ms)
		}
	}
	fmt.Fprintf(&b, docsTail, 100*guidance[0], 100*guidance[1], 100*guidance[3])
	err := checkpoint.WriteAtomic(filepath.Join(docsDir, "samplers.md"), func(w io.Writer) error {
		_, err := io.WriteString(w, b.String())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// docsTraining trains the docs' models 4× longer on twice the batch of
// the tests' (TrainConfig defaults), so that the table shows the samplers'
// differences more than the model's error.
var docsTraining = TrainConfig{Steps: 6000, Batch: 256}

// counter is a sampler.Denoiser that counts the calls to d.
type counter struct {
	d     sampler.Denoiser
	calls int
}

func (c *counter) Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	c.calls++
	return c.d.Denoise(x, sigma)
}

func key(sampler string, steps int) string { return fmt.Sprintf("%s/%d", sampler, steps) }

const docsHead = `# Samplers on the 2-D benchmark

This page compares the samplers of ` + "`diffusion/sampler`" + ` on one trained
model per 2-D set (` + "`data.Toy2D`" + `: two moons, 8 Gaussians, Swiss roll, all on
roughly unit scale). It is generated; do not edit it by hand. Regenerate it,
with the scatter plots in ` + "`docs/img/`" + `, by

    go test ./models/mlp -run TestUpdateDocs -update-docs -v

**Model.** ` + "`models/mlp`" + ` with its defaults: width 64, 2 residual SiLU blocks,
sinusoidal features of c_noise = ln(σ)/4, EDM preconditioning with σ_data = 1
(Karras et al. 2022). Trained with Adam (peak LR 3e-3, cosine decay), 6000
steps of 256 points (the tests train 1500 steps of 128) from %[1]d training points, ln σ ~ N(−0.8, 1.6²), EMA 0.995.
The 8 Gaussians model is class-conditional with label dropout 0.2 and is
sampled here with the null label (unconditional). Training took %.1[7]f s, %.1[8]f s
and %.1[9]f s (wall) for moons, 8 Gaussians and Swiss roll.

**Metric.** Sliced Wasserstein-1 distance (` + "`metrics.SlicedWasserstein`" + `, %[2]d
samples against %[2]d held-out points, %[3]d random directions with one fixed
seed, exact 1-D W1 per direction). Lower is better. Two independent real draws
of the same size are the floor: a perfect model scores about that. A standard
normal draw of the same size is the broad baseline. The test
` + "`TestBenchmark2D`" + ` requires every sampler, at its usual step count (in bold),
to score below 3.5 × the floor and 1.5 × below the baseline.

**Samplers and noise levels.** Euler, Heun, DPM++2M, the VE SDE
(Euler–Maruyama) and VE predictor–corrector (one Langevin step, SNR 0.16)
walk Karras σ (σ_min 0.002, σ_max 80, ρ 7); DDIM, DDPM, the VP SDE and VP
predictor–corrector (SNR 0.01) walk the DDPM linear schedule (T = 1000,
trailing spacing, σ_max ≈ 157). The PF-ODE is one adaptive Dormand–Prince
interval from σ = 80 to 0.002 (tolerances 1e-5) and a final denoising step;
its "steps" column is that one interval. In the tests the SDE samplers run
about 100 model calls; their usual counts are run here only. "Model calls" counts denoiser
evaluations per sample (Heun: two per step, one for the last). Wall time is
per 1000 samples (one batch of 1000), averaged over the three sets, measured
on %[4]s/%[5]s with GOMAXPROCS=%[6]d. Wall times move between machines and
runs (by up to ±50%% between rows of equal model calls on a shared machine),
so read cost from the model calls and the times as orders of magnitude.

![moons](img/toy2d-moons.png)
![8 Gaussians](img/toy2d-8gaussians.png)
![Swiss roll](img/toy2d-swissroll.png)

`

const docsTail = `
Reading the table: the deterministic second-order samplers (Heun, DPM++2M)
come closest to the floor for the fewest model calls (DPM++2M at 20 calls
is about as close as Euler at 100); Heun with 5 steps diverges (steps from σ = 80 to 7 to
0.6 are too long for the trapezoid rule). DDIM with η = 0 is Euler in σ
form; the two differ here only through their noise levels (linear-schedule
trailing σ versus Karras σ). DDPM is DDIM with η = 1, which is why their rows
at 50 and 100 steps are identical (same seed). The stochastic samplers need
many more steps, because the posterior variance is too small for large
jumps (see ` + "`TestSamplersReproduceData`" + ` in diffusion/sampler for the
closed-form bias); DDPM reaches the floor region only with its 1000 steps.
The VE SDE (Euler–Maruyama) comes closest of all, at 100 steps already and
below the floor on 8 Gaussians at 1000: the noise it injects corrects part
of the model's error, as Karras et al. (2022, §4) observe for stochastic
sampling. The VP SDE at 1000 steps matches DDPM-1000, whose continuous form
it is. The predictor–corrector variants do no better than their predictor at
equal model calls here; their SNRs (0.01 VP, 0.16 VE) are the image settings
of Song et al. (2021), not tuned for these sets. Differences of a few
thousandths are within the noise of a 1000-point SWD.

## Classifier-free guidance

` + "`diffusion.Guided`" + ` on the class-conditional 8 Gaussians model, 125 samples per
class, DPM++2M with 20 steps: the fraction of samples whose nearest centre is
the requested one (` + "`TestGuidance8Gaussians`" + ` requires ≥ 95%% at scale 3).
Scale w follows x0 = x0_uncond + w·(x0_cond − x0_uncond): w = 1 is the plain
conditional model, w = 0 the unconditional one.

| guidance scale w | samples in the requested component |
|---:|---:|
| 0 (unconditional) | %.1f%% |
| 1 (conditional) | %.1f%% |
| 3 | %.1f%% |
`
