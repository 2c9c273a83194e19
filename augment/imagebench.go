package augment

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/models/classifier"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
)

// ImageBench is the downstream image benchmark on Fashion-MNIST: for each
// number of real images per class and each seed, a classifier.CNN
// (DefaultConfig) is trained on the real images alone, on them plus
// FlipShift copies, and on them plus synthetic images from Pipeline; the
// classic and synthetic variants' mixing ratio (and the guidance) are
// chosen per seed by accuracy on a validation split of the training set,
// and accuracy on the test set is reported only for the chosen ones.
//
// Synthetic images come from one pool per guidance scale (PoolPerClass
// images per class, seed PoolSeed), from which each seed draws its own
// subset; a ratio that asks for more than the pool holds is capped at the
// pool, and the result says so.
type ImageBench struct {
	Pipeline  *pipeline.Pipeline
	ModelHash string // SHA-256 of the model, for the cache key

	TrainX, TestX *tensor.Tensor // Fashion-MNIST train and test splits (N, 1, 28, 28)
	TrainY, TestY []int
	PerClass      []int     // real images per class, e.g. 10, 50, 300
	Seeds         int       // seeds 0..Seeds−1
	Ratios        []float64 // synthetic share of the training set, each in [0, 1)
	ClassicRatios []float64 // shares of FlipShift copies to choose from (default Ratios)
	Guidances     []float64
	PoolPerClass  int
	PoolSeed      uint64
	Sampler       sampler.Spec
	ValPerClass   int     // validation images per class (default 100)
	Steps         int     // classifier training steps (default 400)
	Batch         int     // classifier batch (default 32)
	LR            float64 // Adam learning rate (default 2e-3)
	MaxShift      int     // classic augmentation's largest shift in pixels (default 2)
	CacheDir      string  // where synthetic pools are kept between runs; "" keeps none
	Progress      func(msg string)
}

// Choice is a mixing ratio and guidance picked on validation.
type Choice struct {
	Ratio    float64 `json:"ratio"`
	Guidance float64 `json:"guidance,omitempty"`
	Capped   bool    `json:"capped,omitempty"` // the pool held fewer synthetic images than the ratio asks for
}

// ImageRegime is the result for one number of real images per class.
type ImageRegime struct {
	PerClass  int                `json:"per_class"`
	Real      []float64          `json:"real"` // test accuracy per seed
	Classic   []float64          `json:"classic"`
	Synthetic []float64          `json:"synthetic"`
	ClassicAt []Choice           `json:"classic_chosen"`
	SynAt     []Choice           `json:"synthetic_chosen"`
	Val       map[string]float64 `json:"validation_mean"` // mean validation accuracy of every variant over seeds
}

func (b *ImageBench) defaults() {
	if b.ValPerClass == 0 {
		b.ValPerClass = 100
	}
	if b.Steps == 0 {
		b.Steps = 400
	}
	if b.Batch == 0 {
		b.Batch = 32
	}
	if b.LR == 0 {
		b.LR = 2e-3
	}
	if b.MaxShift == 0 {
		b.MaxShift = 2
	}
	if b.ClassicRatios == nil {
		b.ClassicRatios = b.Ratios
	}
	if b.Sampler.Name == "" {
		b.Sampler = sampler.Spec{Name: "dpmpp2m", Steps: 20}
	}
}

func (b *ImageBench) say(format string, args ...any) {
	if b.Progress != nil {
		b.Progress(fmt.Sprintf(format, args...))
	}
}

// Run measures every regime.
func (b *ImageBench) Run(ctx context.Context) ([]ImageRegime, error) {
	b.defaults()
	for _, r := range append(slices.Clone(b.Ratios), b.ClassicRatios...) {
		if err := CheckRatio(r); err != nil {
			return nil, err
		}
		if r == 1 {
			return nil, fmt.Errorf("augment: bench ratio 1: the benchmark mixes real and synthetic data; want r < 1")
		}
	}
	classes := FashionClasses()
	if err := CheckClasses("fashion-mnist", len(classes), b.Pipeline.Model.UNet.Classes); err != nil {
		return nil, err
	}
	pools := make([]*Images, len(b.Guidances))
	for g, w := range b.Guidances {
		var err error
		if pools[g], err = b.pool(ctx, w); err != nil {
			return nil, err
		}
	}
	var out []ImageRegime
	for _, n := range b.PerClass {
		reg := ImageRegime{PerClass: n, Val: map[string]float64{}}
		for seed := range b.Seeds {
			sp, err := SplitFashion(b.TrainX, b.TrainY, n, b.ValPerClass, uint64(seed))
			if err != nil {
				return nil, err
			}
			real := sp.Train
			fit := func(set *Images) (*classifier.CNN, error) {
				m := classifier.New(classifier.DefaultConfig(), tensor.NewRNG(uint64(1000+seed)))
				perEpoch := max(set.Len()/b.Batch, 1)
				epochs := (b.Steps + perEpoch - 1) / perEpoch
				err := classifier.Train(ctx, m, set.X, set.Labels, classifier.TrainConfig{Epochs: epochs, Batch: min(b.Batch, set.Len()), LR: b.LR, Seed: uint64(2000 + seed)})
				return m, err
			}
			val := func(m *classifier.CNN) float64 { return classifier.Accuracy(m, sp.Val.X, sp.Val.Labels) }
			test := func(m *classifier.CNN) float64 { return classifier.Accuracy(m, b.TestX, b.TestY) }

			m, err := fit(real)
			if err != nil {
				return nil, err
			}
			reg.Val["real"] += val(m) / float64(b.Seeds)
			reg.Real = append(reg.Real, test(m))

			// Classic: FlipShift copies at each ratio, the best on validation.
			var bestM *classifier.CNN
			bestV, best := -1.0, Choice{}
			for _, r := range b.ClassicRatios {
				k := max(int(math.Round(r/(1-r))), 1) // copies per real image
				aug := FlipShift(real, k, b.MaxShift, tensor.NewRNG(uint64(3000+seed)))
				m, err := fit(Concat(real, aug))
				if err != nil {
					return nil, err
				}
				v := val(m)
				reg.Val[fmt.Sprintf("classic r=%.2f", r)] += v / float64(b.Seeds)
				if v > bestV {
					bestV, bestM, best = v, m, Choice{Ratio: r}
				}
			}
			reg.Classic = append(reg.Classic, test(bestM))
			reg.ClassicAt = append(reg.ClassicAt, best)

			// Synthetic: each guidance and ratio, the best on validation.
			bestV, bestM = -1, nil
			for g, w := range b.Guidances {
				for _, r := range b.Ratios {
					syn, capped := drawPool(pools[g], SyntheticFor(n, r), tensor.NewRNG(uint64(4000+seed)))
					m, err := fit(Concat(real, syn))
					if err != nil {
						return nil, err
					}
					v := val(m)
					reg.Val[fmt.Sprintf("synthetic w=%g r=%.2f", w, r)] += v / float64(b.Seeds)
					if v > bestV {
						bestV, bestM, best = v, m, Choice{Ratio: r, Guidance: w, Capped: capped}
					}
				}
			}
			reg.Synthetic = append(reg.Synthetic, test(bestM))
			reg.SynAt = append(reg.SynAt, best)
			b.say("%d per class, seed %d: test real %.4f classic %.4f (r=%.2f) synthetic %.4f (w=%g r=%.2f)",
				n, seed, reg.Real[seed], reg.Classic[seed], reg.ClassicAt[seed].Ratio, reg.Synthetic[seed], best.Guidance, best.Ratio)
		}
		out = append(out, reg)
	}
	return out, nil
}

// drawPool picks want images of every class from pool (all of a class when
// it holds fewer, and then capped is true).
func drawPool(pool *Images, want int, rng *tensor.RNG) (sub *Images, capped bool) {
	byClass := make([][]int, len(pool.Classes))
	for i, y := range pool.Labels {
		byClass[y] = append(byClass[y], i)
	}
	var idx []int
	for _, ids := range byClass {
		k := want
		if k > len(ids) {
			k, capped = len(ids), true
		}
		perm := rng.Perm(len(ids))
		for _, p := range perm[:k] {
			idx = append(idx, ids[p])
		}
	}
	return pool.Subset(idx), capped
}

// pool returns PoolPerClass images of every class at guidance w, from the
// cache when an identical pool was drawn before.
func (b *ImageBench) pool(ctx context.Context, w float64) (*Images, error) {
	classes := FashionClasses()
	counts := make([]int, len(classes))
	for c := range counts {
		counts[c] = b.PoolPerClass
	}
	steps := b.Sampler.StepCount(b.Pipeline.Schedule.Steps())
	name := fmt.Sprintf("pool-%.12s-w%g-%s%d-n%d-s%d.f32", b.ModelHash, w, b.Sampler.Name, steps, b.PoolPerClass, b.PoolSeed)
	cfg := b.Pipeline.Model.UNet
	shape := []int{len(classes) * b.PoolPerClass, cfg.InChannels, cfg.ImageSize, cfg.ImageSize}
	labels := make([]int, 0, shape[0])
	for c := range classes {
		for range b.PoolPerClass {
			labels = append(labels, c)
		}
	}
	if b.CacheDir != "" {
		if raw, err := os.ReadFile(filepath.Join(b.CacheDir, name)); err == nil {
			x := tensor.New(shape...)
			if len(raw) == 4*len(x.Data) {
				for i := range x.Data {
					x.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
				}
				b.say("synthetic pool at guidance %g: read %s", w, name)
				return &Images{X: x, Labels: labels, Classes: classes}, nil
			}
		}
	}
	b.say("synthetic pool at guidance %g: drawing %d images", w, shape[0])
	syn, _, err := GenerateImages(ctx, b.Pipeline, classes, counts, ImageOptions{Guidance: w, Sampler: b.Sampler, Seed: b.PoolSeed, Progress: b.Progress})
	if err != nil {
		return nil, err
	}
	if b.CacheDir != "" {
		raw := make([]byte, 4*len(syn.X.Data))
		for i, v := range syn.X.Data {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
		}
		if err := os.MkdirAll(b.CacheDir, 0o755); err != nil {
			return nil, err
		}
		if err := checkpoint.WriteAtomic(filepath.Join(b.CacheDir, name), func(w io.Writer) error { _, err := w.Write(raw); return err }); err != nil {
			return nil, err
		}
	}
	return syn, nil
}
