package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
	"github.com/spf13/cobra"

	"github.com/diffusego/diffusego/graph"
	"github.com/diffusego/diffusego/graph/digress"
	"github.com/diffusego/diffusego/graph/molecule"
	"github.com/diffusego/diffusego/graph/molgen"
)

// Checkpoint metadata of molecule models (molgen.MetaVocab, MetaCondition).
const (
	molVocabKey     = molgen.MetaVocab
	molConditionKey = molgen.MetaCondition
)

// isMoleculeData reports whether a --data source is molecules: the NCI
// sample ("molecules") or a SMILES file (.smi, .smiles).
func isMoleculeData(source string) bool {
	s := strings.ToLower(source)
	return source == "molecules" || strings.HasSuffix(s, ".smi") || strings.HasSuffix(s, ".smiles")
}

// moleculeSet is a molecule data set split for training and testing, with
// the vocabulary of atom types of the whole set.
type moleculeSet struct {
	train, test []*molecule.Molecule
	vocab       molgen.Vocab
	lines       int // lines read (the NCI file) or molecules (a SMILES file)
}

// loadMoleculeSplit reads "molecules" (RDKit's NCI sample, at most 12 heavy
// atoms of C N O F S Cl) or a SMILES file and splits it 80/20 with seed.
func loadMoleculeSplit(source string, seed uint64) (*moleculeSet, error) {
	var es []molgen.Entry
	var lines int
	var err error
	if source == "molecules" {
		es, lines, err = molgen.ReadNCI(molgen.NCIFile, molgen.NCIMaxAtoms, molgen.NCIElements)
	} else {
		es, err = molgen.ReadFile(source)
		lines = len(es)
	}
	if err != nil {
		return nil, err
	}
	ms := make([]*molecule.Molecule, len(es))
	for i, e := range es {
		if len(e.Mol.Atoms) > graph.MaxNodes {
			return nil, fmt.Errorf("molgen: %s:%d: %d atoms: want at most %d", source, e.Line, len(e.Mol.Atoms), graph.MaxNodes)
		}
		ms[i] = e.Mol
	}
	s := &moleculeSet{vocab: molgen.NewVocab(ms), lines: lines}
	if s.train, s.test, err = molgen.Split(ms, 0.2, seed); err != nil {
		return nil, err
	}
	if len(s.train) == 0 {
		return nil, fmt.Errorf("molgen: %s: %d molecules leave no training molecule after the 80/20 split", source, len(ms))
	}
	return s, nil
}

// moleculeGraphs encodes molecules with the vocabulary.
func moleculeGraphs(v molgen.Vocab, ms []*molecule.Molecule) ([]*graph.Graph, error) {
	out := make([]*graph.Graph, len(ms))
	for i, m := range ms {
		g, err := v.Graph(m)
		if err != nil {
			return nil, fmt.Errorf("molecule %d: %w", i, err)
		}
		out[i] = g
	}
	return out, nil
}

// moleculeConfig makes the model configuration of a molecule run: the
// valence input and, with condition "rings", the ring-count classes.
func moleculeConfig(s *moleculeSet, trainSet []*graph.Graph, condition string) (digress.Config, []int, error) {
	kx := len(s.vocab.Atoms)
	mx, me, err := digress.Marginals(trainSet, kx, molgen.BondTypes)
	if err != nil {
		return digress.Config{}, nil, err
	}
	sizes := make([]int, len(trainSet))
	for i, g := range trainSet {
		sizes[i] = g.N()
	}
	cfg := digress.DefaultConfig(kx, molgen.BondTypes, mx, me, sizes)
	cfg.Valence = true
	var labels []int
	switch condition {
	case "none":
	case "rings":
		cfg.Classes, cfg.CondDrop = molgen.RingClasses, 0.1
		cfg.ClassSizeCounts = make([][]int, cfg.Classes)
		for c := range cfg.ClassSizeCounts {
			cfg.ClassSizeCounts[c] = make([]int, cfg.MaxN+1)
		}
		labels = make([]int, len(s.train))
		for i, m := range s.train {
			labels[i] = molgen.RingClass(m)
			cfg.ClassSizeCounts[labels[i]][len(m.Atoms)]++
		}
		for c, counts := range cfg.ClassSizeCounts {
			total := 0
			for _, k := range counts {
				total += k
			}
			if total == 0 { // no training molecule of this class: sample its sizes from all
				cfg.ClassSizeCounts[c] = append([]int(nil), cfg.SizeCounts...)
			}
		}
	default:
		return digress.Config{}, nil, usagef("graph train: --condition %q: want rings or none", condition)
	}
	return cfg, labels, nil
}

// moleculeVocab reads the vocabulary of a molecule model's checkpoint
// metadata; ok is false for models of other graphs.
func moleculeVocab(meta map[string]string, file string) (v molgen.Vocab, ok bool, err error) {
	return molgen.VocabFromMeta(meta, file)
}

// molSampleFlags are the molecule-only sampling settings.
type molSampleFlags struct {
	rings    int
	guidance float64
	noClass  bool
}

func (f *molSampleFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.IntVar(&f.rings, "rings", -1, "molecule models conditioned on rings: ask for 0, 1 or 2 (2 or more) rings; -1 draws the ring class of each molecule from the training frequencies")
	fl.Float64Var(&f.guidance, "guidance", 0, "molecule models conditioned on rings: classifier-free guidance weight w ≥ 0 (0: the conditional model alone)")
	fl.BoolVar(&f.noClass, "no-condition", false, "molecule models conditioned on rings: sample the unconditional prediction (the model's \"no class\" input)")
}

// options turns the flags into generator options for a model whose config
// is c.
func (f *molSampleFlags) options(what string, c digress.Config, s graphSampleFlags) (molgen.Options, error) {
	o := molgen.Options{N: s.n, Steps: s.steps, Temperature: s.temperature, Class: molgen.AnyClass, Guidance: f.guidance, Seed: s.seed}
	switch {
	case !(f.guidance >= 0) || math.IsInf(f.guidance, 0):
		return o, usagef("graph %s: --guidance %v: want a finite number ≥ 0", what, f.guidance)
	case c.Classes == 0 && (f.rings != -1 || f.guidance != 0 || f.noClass):
		return o, usagef("graph %s: --rings, --guidance and --no-condition need a model trained with --condition rings", what)
	case f.rings < -1 || f.rings >= max(c.Classes, 1):
		return o, usagef("graph %s: --rings %d: want 0 to %d (the last meaning as many or more), or -1", what, f.rings, c.Classes-1)
	case f.noClass && f.rings != -1:
		return o, usagef("graph %s: --no-condition and --rings %d: choose one", what, f.rings)
	}
	if f.rings >= 0 {
		o.Class = f.rings
	}
	if f.noClass {
		o.Class = molgen.NoClass
	}
	return o, nil
}

// writeMoleculeSamples writes ms as a SMILES file (molgen.WriteSMILES),
// atomically.
func writeMoleculeSamples(path string, ms []*molecule.Molecule) (valid int, err error) {
	var sb strings.Builder
	if valid, err = molgen.WriteSMILES(&sb, ms); err != nil {
		return 0, err
	}
	return valid, checkpoint.WriteAtomic(path, func(w io.Writer) error {
		_, err := io.WriteString(w, sb.String())
		return err
	})
}

// writeMoleculeGrid draws the first 16 molecules of ms in a 4-column grid.
func writeMoleculeGrid(path string, ms []*molecule.Molecule, meta map[string]string) error {
	img, err := molgen.Grid(ms)
	if err != nil {
		return err
	}
	return pngout.WriteFile(path, img, meta)
}

// runMoleculeSample is diffuse graph sample for a molecule model.
func runMoleculeSample(ctx context.Context, gen molgen.Generator, o molgen.Options, file, out, png string, w io.Writer) error {
	ms, _, err := gen.Sample(ctx, o)
	if err != nil {
		return err
	}
	if png != "" && len(ms) > 0 {
		meta := map[string]string{"checkpoint": file, "seed": strconv.FormatUint(o.Seed, 10), "steps": strconv.Itoa(o.Steps),
			"class": strconv.Itoa(o.Class), "guidance": strconv.FormatFloat(o.Guidance, 'g', -1, 64)}
		if err := writeMoleculeGrid(png, ms, meta); err != nil {
			return err
		}
	}
	valid, err := writeMoleculeSamples(out, ms)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %d molecules to %s, %d valid (model %s, %d steps, seed %d)\n", len(ms), out, valid, file, o.Steps, o.Seed)
	return nil
}

// runMoleculeEval is diffuse graph eval for a molecule model: validity,
// uniqueness, novelty and histogram distances of n samples, beside the
// frequency baselines and the training set, then (perClass > 0) how often
// samples asked for each ring class have it.
func runMoleculeEval(ctx context.Context, gen molgen.Generator, o molgen.Options, perClass int, meta map[string]string, file, out string, w io.Writer) error {
	seed, err := strconv.ParseUint(meta[graphSeedKey], 10, 64)
	if err != nil {
		return fmt.Errorf("checkpoint %s: %q: want the training seed, got %q", file, graphSeedKey, meta[graphSeedKey])
	}
	data := meta[graphDataKey]
	set, err := loadMoleculeSplit(data, seed)
	if err != nil {
		return err
	}
	if len(set.test) == 0 {
		return fmt.Errorf("graph eval: %s has no test molecules", data)
	}
	if o.N == 0 {
		o.N = len(set.test)
	}
	freq, err := molgen.NewFrequencies(gen.Vocab, set.train)
	if err != nil {
		return err
	}
	trainCanon := molgen.Canonicals(set.train)
	start := time.Now()
	ms, _, err := gen.Sample(ctx, o)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	marginal := freq.Marginal(o.N, tensor.NewRNG(o.Seed).Split(10))
	marginalMols := make([]*molecule.Molecule, len(marginal))
	for i, g := range marginal {
		if marginalMols[i], err = gen.Vocab.Molecule(g); err != nil {
			return err
		}
	}
	rows := []struct {
		name string
		ms   []*molecule.Molecule
	}{
		{"diffusego", ms},
		{"marginal", marginalMols},
		{"assembly", freq.Assemble(o.N, tensor.NewRNG(o.Seed).Split(11))},
		{"train (floor)", set.train},
	}
	fmt.Fprintf(w, "molecules: %d test and %d training molecules of %s (seed %d); %d samples, %d steps (%.1fs); model %s\n",
		len(set.test), len(set.train), data, seed, o.N, o.Steps, elapsed.Seconds(), file)
	fmt.Fprintf(w, "%-14s %7s %7s %7s %7s %7s %7s %7s %7s %7s\n", "", "valid", "connect", "unique", "novel", "atomTV", "bondTV", "sizeTV", "ringTV", "count")
	results := map[string]any{"data": data, "seed": seed, "test_molecules": len(set.test), "samples": o.N, "steps": o.Steps,
		"sample_seed": o.Seed, "class": o.Class, "guidance": o.Guidance, "checkpoint": file}
	for _, r := range rows {
		s, err := molgen.Evaluate(r.ms, trainCanon, set.test)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-14s %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7d\n", r.name, s.Valid, s.Connected, s.Unique, s.Novel,
			s.AtomTV, s.BondTV, s.SizeTV, s.RingTV, s.Samples)
		results[r.name] = s
	}
	if perClass > 0 && gen.Model.Config.Classes > 0 {
		fmt.Fprintf(w, "ring conditioning (%d samples per class, guidance %g): class, share of training molecules, valid, share of valid samples with the class\n", perClass, o.Guidance)
		counts := make([]int, gen.Model.Config.Classes)
		for _, m := range set.train {
			counts[molgen.RingClass(m)]++
		}
		var cond []map[string]any
		for c := range gen.Model.Config.Classes {
			oc := o
			oc.N, oc.Class = perClass, c
			cms, _, err := gen.Sample(ctx, oc)
			if err != nil {
				return err
			}
			valid, hit := 0, 0
			for _, m := range cms {
				if m.Valid() == nil {
					valid++
					if molgen.RingClass(m) == c {
						hit++
					}
				}
			}
			share := float64(counts[c]) / float64(len(set.train))
			match := 0.0
			if valid > 0 {
				match = float64(hit) / float64(valid)
			}
			fmt.Fprintf(w, "rings %-8s %7.3f %7.3f %7.3f\n", ringLabel(c, gen.Model.Config.Classes), share, float64(valid)/float64(perClass), match)
			cond = append(cond, map[string]any{"class": c, "train_share": share, "valid": float64(valid) / float64(perClass), "match": match})
		}
		results["conditioning"] = cond
	}
	if out != "" {
		return checkpoint.WriteAtomic(out, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(results)
		})
	}
	return nil
}

// ringLabel names ring class c of k: "0", "1", … and "2+" for the last.
func ringLabel(c, k int) string {
	if c == k-1 {
		return fmt.Sprintf("%d+", c)
	}
	return strconv.Itoa(c)
}
