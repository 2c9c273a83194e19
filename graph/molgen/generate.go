package molgen

import (
	"context"
	"fmt"

	"github.com/diffusego/diffusego/graph"
	"github.com/diffusego/diffusego/graph/digress"
	"github.com/diffusego/diffusego/graph/molecule"
	"github.com/diffusego/diffusego/tensor"
)

// Generator samples molecules from a DiGress model trained on the
// molecular graphs of Vocab.
type Generator struct {
	Model *digress.Model
	Vocab Vocab
}

// AnyClass asks a conditional model for classes drawn from the training
// frequencies (the data's own mix); NoClass asks for its unconditional
// prediction (the "no class" input of classifier-free guidance).
const (
	AnyClass = -1
	NoClass  = -2
)

// Options are the settings of Generator.Sample.
type Options struct {
	N           int     // molecules
	Steps       int     // reverse steps (the training T is 500)
	Temperature float64 // 1 leaves the predictions as they are
	Class       int     // condition class, AnyClass or NoClass; ignored by an unconditional model
	Guidance    float64 // classifier-free guidance weight w ≥ 0 (0: the conditional model alone)
	Seed        uint64
}

// Sample generates o.N molecules and the graphs they decode from. With a
// conditional model and AnyClass, molecule i's class is drawn from the
// training graphs' classes (rng.Split(2)), and each class is sampled as
// SampleClass does from rng.Split(3).Split(class); the same seed gives the
// same molecules. Nothing is corrected: the molecules are the graphs as
// generated, with implicit hydrogens (Vocab.Molecule).
func (g Generator) Sample(ctx context.Context, o Options) ([]*molecule.Molecule, []*graph.Graph, error) {
	c := g.Model.Config
	if len(g.Vocab.Atoms) != c.Kx || c.Ke != BondTypes {
		return nil, nil, fmt.Errorf("molgen: a model of %d node and %d edge categories for %d atom types and %d bond types", c.Kx, c.Ke, len(g.Vocab.Atoms), BondTypes)
	}
	rng := tensor.NewRNG(o.Seed)
	var gs []*graph.Graph
	var err error
	switch {
	case c.Classes == 0 || o.Class == NoClass:
		gs, err = g.Model.Sample(ctx, o.N, o.Steps, o.Temperature, rng)
	case o.Class >= 0:
		gs, err = g.Model.SampleClass(ctx, o.N, o.Steps, o.Temperature, o.Class, o.Guidance, rng)
	case o.Class == AnyClass:
		gs, err = g.sampleMix(ctx, o, rng)
	default:
		return nil, nil, fmt.Errorf("molgen: class %d: want 0 to %d, AnyClass or NoClass", o.Class, c.Classes-1)
	}
	if err != nil {
		return nil, nil, err
	}
	ms := make([]*molecule.Molecule, len(gs))
	for i, gr := range gs {
		if ms[i], err = g.Vocab.Molecule(gr); err != nil {
			return nil, nil, fmt.Errorf("molgen: sample %d: %w", i, err)
		}
	}
	return ms, gs, nil
}

// sampleMix draws every molecule's class from the training frequencies,
// then samples each class in one call.
func (g Generator) sampleMix(ctx context.Context, o Options, rng *tensor.RNG) ([]*graph.Graph, error) {
	weights := g.classWeights()
	byClass := drawClasses(weights, o.N, rng.Split(2)) // sample indices of each class
	out := make([]*graph.Graph, o.N)
	for k, idx := range byClass {
		if len(idx) == 0 {
			continue
		}
		gs, err := g.Model.SampleClass(ctx, len(idx), o.Steps, o.Temperature, k, o.Guidance, rng.Split(3).Split(uint64(k)))
		if err != nil {
			return nil, err
		}
		for j, i := range idx {
			out[i] = gs[j]
		}
	}
	return out, nil
}

// classWeights are the training counts of each class of a conditional
// model.
func (g Generator) classWeights() []float64 {
	c := g.Model.Config
	weights := make([]float64, c.Classes)
	for k, counts := range c.ClassSizeCounts {
		for _, n := range counts {
			weights[k] += float64(n)
		}
	}
	return weights
}

// drawClasses draws the class of each of n samples from weights with cr
// and returns the sample indices of each class.
func drawClasses(weights []float64, n int, cr *tensor.RNG) [][]int {
	byClass := make([][]int, len(weights))
	for i := range n {
		k := drawIndex(weights, cr.Uniform())
		byClass[k] = append(byClass[k], i)
	}
	return byClass
}

// StepCount is the number of reverse steps, over all batches, that Sample
// takes for o: the calls of digress.Model.OnStep it makes.
func (g Generator) StepCount(o Options) int {
	batches := func(n int) int { return (n + digress.SampleBatch - 1) / digress.SampleBatch }
	c := g.Model.Config
	if c.Classes == 0 || o.Class != AnyClass {
		return batches(o.N) * o.Steps
	}
	total := 0
	for _, idx := range drawClasses(g.classWeights(), o.N, tensor.NewRNG(o.Seed).Split(2)) {
		total += batches(len(idx)) * o.Steps
	}
	return total
}
