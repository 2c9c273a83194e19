package tabular

import (
	"context"
	"fmt"
	"math"
)

// Report holds every metric for one generator on one data set. Fidelity and
// correlation are measured against the real training rows; efficacy and
// augmentation on the held-out real rows.
type Report struct {
	Method   string
	KS       float64 // mean Kolmogorov–Smirnov over numeric columns (lower is better)
	TV       float64 // mean total variation over discrete columns (lower is better)
	CorrDiff float64 // mean |Δ association| (lower is better)
	F1Syn    float64 // macro-F1 on holdout, classifier trained on synthetic rows
	F1Real   float64 // macro-F1 on holdout, classifier trained on the real training rows
	AugReal  float64 // macro-F1, trained on a small real subset
	AugMixed float64 // macro-F1, trained on that subset plus synthetic rows from it
	DCRSyn   float64 // median distance of synthetic rows to the closest training row
	DCRHold  float64 // median distance of holdout rows to the closest training row
}

// Efficacy trains the logistic regression on train (target column target)
// and returns its macro-F1 on test. Rows whose target is missing are left out.
func Efficacy(train, test *Frame, target int, fm *featureMap) float64 {
	k := len(train.Schema.Columns[target].Categories)
	labels := func(f *Frame) []int {
		y := make([]int, f.Rows())
		for i, v := range f.Cols[target] {
			y[i] = -1
			if !math.IsNaN(v) {
				y[i] = int(v)
			}
		}
		return y
	}
	m := fitLogistic(fm.rows(train), labels(train), k)
	var truth, pred []int
	x, y := fm.rows(test), labels(test)
	for i := range x {
		if y[i] >= 0 {
			truth = append(truth, y[i])
			pred = append(pred, m.predict(x[i]))
		}
	}
	return macroF1(truth, pred, k)
}

// Evaluate fills the fidelity, correlation, efficacy and privacy metrics of
// syn against real train and holdout rows.
func Evaluate(method string, train, hold, syn *Frame) Report {
	r := Report{Method: method}
	r.KS, r.TV = Fidelity(train, syn)
	r.CorrDiff = CorrDiff(train, syn)
	t := train.Schema.Index(train.Schema.Target)
	if t >= 0 {
		fm := newFeatureMap(train, t)
		r.F1Syn = Efficacy(syn, hold, t, fm)
		r.F1Real = Efficacy(train, hold, t, fm)
	}
	fm := newFeatureMap(train, -1)
	ref := fm.rows(train)
	r.DCRSyn = medianDCR(fm.rows(syn), ref)
	r.DCRHold = medianDCR(fm.rows(hold), ref)
	return r
}

// BenchOptions control Bench.
type BenchOptions struct {
	Holdout  float64 // share of rows held out (default 0.2)
	Small    float64 // share of training rows in the augmentation subset (default 0.1)
	Scaling  string  // transform for the diffusion model (default quantile)
	Model    ModelConfig
	Train    TrainOptions
	Seed     uint64
	Progress func(msg string)
}

// Bench splits f into train and holdout, fits diffusego and the two
// baselines on train, draws as many rows as train has, and evaluates them;
// then it refits all three on a small training subset and measures the
// augmentation gain. It returns one Report per method: diffusego,
// independent, copula.
func Bench(ctx context.Context, f *Frame, opt BenchOptions) ([]Report, error) {
	if opt.Holdout == 0 {
		opt.Holdout = 0.2
	}
	if opt.Small == 0 {
		opt.Small = 0.1
	}
	if opt.Scaling == "" {
		opt.Scaling = ScaleQuantile
	}
	say := func(format string, args ...any) {
		if opt.Progress != nil {
			opt.Progress(fmt.Sprintf(format, args...))
		}
	}
	n := f.Rows()
	perm := permutation(n, opt.Seed)
	nHold := int(math.Round(opt.Holdout * float64(n)))
	hold, train := f.Subset(perm[:nHold]), f.Subset(perm[nHold:])
	nSmall := max(int(math.Round(opt.Small*float64(train.Rows()))), 16)
	small := train.Subset(seq(nSmall))
	target := train.Schema.Index(train.Schema.Target)
	var reports []Report
	for _, method := range []string{"diffusego", "independent", "copula"} {
		say("%s: fitting on %d rows", method, train.Rows())
		gen, err := fitGenerator(ctx, method, train, opt)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		syn, err := gen.Sample(train.Rows(), opt.Seed+1)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		r := Evaluate(method, train, hold, syn)
		if target >= 0 {
			say("%s: augmentation, fitting on %d rows", method, small.Rows())
			gen, err := fitGenerator(ctx, method, small, opt)
			if err != nil {
				return nil, fmt.Errorf("%s (small): %w", method, err)
			}
			aug, err := gen.Sample(4*small.Rows(), opt.Seed+2)
			if err != nil {
				return nil, fmt.Errorf("%s (small): %w", method, err)
			}
			fm := newFeatureMap(train, target)
			r.AugReal = Efficacy(small, hold, target, fm)
			r.AugMixed = Efficacy(small.Append(aug), hold, target, fm)
		}
		reports = append(reports, r)
	}
	return reports, nil
}

// modelGenerator adapts a trained Model to Generator (balanced classes when
// the model is conditional and balanced is set).
type modelGenerator struct {
	m        *Model
	ctx      context.Context
	balanced bool
}

// Sample draws n rows.
func (g modelGenerator) Sample(n int, seed uint64) (*Frame, error) {
	return g.m.Sample(g.ctx, n, SampleOptions{Seed: seed, Balanced: g.balanced})
}

// fitGenerator fits the named method to f.
func fitGenerator(ctx context.Context, method string, f *Frame, opt BenchOptions) (Generator, error) {
	switch method {
	case "independent":
		return Independent{Train: f}, nil
	case "copula":
		return NewCopula(f, opt.Seed)
	}
	m, err := TrainModel(ctx, f, opt.Scaling, opt.Model, opt.Train)
	if err != nil {
		return nil, err
	}
	return modelGenerator{m: m, ctx: ctx}, nil
}

// permutation is a seeded shuffle of 0..n−1 (Fisher–Yates on a PCG stream).
func permutation(n int, seed uint64) []int {
	p := seq(n)
	var s uint64 = seed*6364136223846793005 + 1442695040888963407
	for i := n - 1; i > 0; i-- {
		s = s*6364136223846793005 + 1442695040888963407
		k := int((s >> 33) % uint64(i+1))
		p[i], p[k] = p[k], p[i]
	}
	return p
}

// seq returns 0..n−1.
func seq(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}
