package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/diffusego/diffusego/jobs"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"time"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/graph"
	"github.com/diffusego/diffusego/graph/digress"
	"github.com/diffusego/diffusego/graph/molgen"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
	"github.com/spf13/cobra"
)

// Checkpoint metadata of graph models besides digress.ConfigKey: where the
// training graphs came from, so that eval rebuilds the same test split.
const (
	graphDataKey = "graph.data"
	graphSeedKey = "graph.seed"
)

func newGraphCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "Train, sample and evaluate graph generators (discrete diffusion, DiGress)",
		Long: `graph generates graphs with discrete denoising diffusion on node and edge
categories (DiGress, Vignac et al. 2023): a graph transformer with edge
features learns to recover a graph whose nodes and node pairs were redrawn
from the data's marginal category distribution. Data: "community-small"
(100 graphs, GDSS's generator, split 80/20 by --seed) or a JSON file of
graphs (the format of docs/graph.md), split the same way.`,
	}
	cmd.AddCommand(newGraphTrainCmd(), newGraphSampleCmd(), newGraphEvalCmd())
	return cmd
}

// graphTrainFlags are the settings of diffuse graph train.
type graphTrainFlags struct {
	data, condition       string
	batch, layers, dx, de int
	seed                  uint64
	runFlags
}

func newGraphTrainCmd() *cobra.Command {
	var f graphTrainFlags
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a graph diffusion model",
		Long: `train fits the denoising graph transformer to the training split. It
prints a progress line every --log-every steps, writes the loss curve
(loss.png) and checkpoints (ckpt-STEP.safetensors, atomic, holding the
model configuration as JSON in the header) every --checkpoint-every steps,
at the end, at --minutes and on Ctrl-C, keeping the last --keep. --resume
continues a run exactly (same data, seed and settings).`,
		Example: `  diffuse graph train --data community-small --out runs/cs --minutes 20
  diffuse graph train --data graphs.json --out runs/mine --steps 5000
  diffuse graph train --data community-small --out runs/cs --resume runs/cs --minutes 20`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.data == "" {
				return usagef("graph train: --data is required (community-small, molecules, a JSON file of graphs or a SMILES file)")
			}
			if f.out == "" {
				return usagef("graph train: --out is required")
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			return runGraphTrain(ctx, f, cmd.OutOrStdout())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "", `"community-small", "molecules" (RDKit's NCI sample, ≤ 12 heavy atoms of C N O F S Cl), a JSON file of graphs or a SMILES file (.smi)`)
	fl.StringVar(&f.condition, "condition", "rings", `molecules only: the graph-level condition, "rings" (0, 1, 2+ rings; classifier-free guidance) or "none"`)
	f.runFlags.add(fl, runDefaults{steps: 20000, warmup: 100, checkpointEvery: 500, lr: 1e-3, decay: 1e-4})
	fl.Uint64Var(&f.seed, "seed", 1, "random seed: the data (community-small), the split, the batches, the noise and the weights")
	fl.IntVar(&f.batch, "batch", 32, "graphs per step")
	fl.IntVar(&f.layers, "layers", 4, "transformer layers")
	fl.IntVar(&f.dx, "dx", 64, "node feature width")
	fl.IntVar(&f.de, "de", 16, "edge feature width")
	return cmd
}

// loadGraphSplit returns the training and test graphs of source
// ("community-small" or a JSON file), split 80/20 with seed.
func loadGraphSplit(source string, seed uint64) (trainSet, testSet []*graph.Graph, err error) {
	var all []*graph.Graph
	if source == "community-small" {
		all = graph.CommunitySmall(100, seed)
	} else {
		if all, err = graph.ReadJSONFile(source); err != nil {
			return nil, nil, err
		}
	}
	for i, g := range all {
		if g.N() < 1 {
			return nil, nil, fmt.Errorf("graph: %s: graph %d has no nodes: want at least one", source, i)
		}
	}
	trainSet, testSet, err = graph.Split(all, 0.2, seed)
	if err != nil {
		return nil, nil, err
	}
	if len(trainSet) == 0 {
		return nil, nil, fmt.Errorf("graph: %s: %d graphs leave no training graph after the 80/20 split", source, len(all))
	}
	return trainSet, testSet, nil
}

// graphTypes returns the node and edge category counts of gs.
func graphTypes(gs []*graph.Graph) (kx, ke int) {
	kx, ke = 1, 2
	for _, g := range gs {
		for i := 0; i < g.N(); i++ {
			kx = max(kx, g.NodeType(i)+1)
		}
		for _, e := range g.Edges() {
			ke = max(ke, e.Type+1)
		}
	}
	return kx, ke
}

// runGraphTrain trains as f says.
func runGraphTrain(ctx context.Context, f graphTrainFlags, log io.Writer) error {
	var trainSet, testSet []*graph.Graph
	var mols *moleculeSet
	var labels []int
	var err error
	if isMoleculeData(f.data) {
		if mols, err = loadMoleculeSplit(f.data, f.seed); err != nil {
			return err
		}
		if trainSet, err = moleculeGraphs(mols.vocab, mols.train); err != nil {
			return fmt.Errorf("%s: %w", f.data, err)
		}
		testSet = make([]*graph.Graph, len(mols.test))
	} else if trainSet, testSet, err = loadGraphSplit(f.data, f.seed); err != nil {
		return err
	}
	var cfg digress.Config
	var resumeFrom string
	if f.resume != "" {
		if resumeFrom, err = jobs.NewestCheckpoint(f.resume); err != nil {
			return err
		}
		meta, err := checkpoint.ReadMeta(resumeFrom)
		if err != nil {
			return err
		}
		if cfg, err = digress.ParseConfig(meta, resumeFrom); err != nil {
			return err
		}
		if d, s := meta[graphDataKey], meta[graphSeedKey]; d != f.data || s != strconv.FormatUint(f.seed, 10) {
			return usagef("graph train: %s was trained on --data %s --seed %s: resume with the same data and seed", resumeFrom, d, s)
		}
		if mols != nil {
			if c := meta[molConditionKey]; c != f.condition {
				return usagef("graph train: %s was trained with --condition %s: resume with the same condition", resumeFrom, c)
			}
			if _, labels, err = moleculeConfig(mols, trainSet, f.condition); err != nil {
				return err
			}
		}
	} else if mols != nil {
		if cfg, labels, err = moleculeConfig(mols, trainSet, f.condition); err != nil {
			return err
		}
		cfg.Layers, cfg.DX, cfg.DE = f.layers, f.dx, f.de
	} else {
		kx, ke := graphTypes(trainSet)
		mx, me, err := digress.Marginals(trainSet, kx, ke)
		if err != nil {
			return fmt.Errorf("%s: %w", f.data, err)
		}
		sizes := make([]int, len(trainSet))
		for i, g := range trainSet {
			sizes[i] = g.N()
		}
		cfg = digress.DefaultConfig(kx, ke, mx, me, sizes)
		cfg.Layers, cfg.DX, cfg.DE = f.layers, f.dx, f.de
	}
	m, err := digress.NewModel(cfg, tensor.NewRNG(f.seed))
	if err != nil {
		return usagef("%v", err)
	}
	task, err := digress.NewTask(m, trainSet, f.batch, f.seed)
	if err != nil {
		return usagef("%v", err)
	}
	if labels != nil {
		if err := task.SetLabels(labels); err != nil {
			return err
		}
	}
	tr, err := train.NewTask(task, f.options(f.seed))
	if err != nil {
		return usagef("%v", err)
	}
	tr.Unit = "graphs"
	if err := resumeInto(tr, resumeFrom, log); err != nil {
		return err
	}
	meta, err := m.Meta()
	if err != nil {
		return err
	}
	meta[graphDataKey] = f.data
	meta[graphSeedKey] = strconv.FormatUint(f.seed, 10)
	if mols != nil {
		names, _ := json.Marshal(mols.vocab.Names())
		meta[molVocabKey] = string(names)
		meta[molConditionKey] = f.condition
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	if err := checkpoint.WriteAtomic(filepath.Join(f.out, "config.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"data": f.data, "seed": f.seed, "model": cfg})
	}); err != nil {
		return err
	}
	params := 0
	for _, p := range m.Params() {
		params += p.V.Value.Len()
	}
	fmt.Fprintf(log, "graph train: %d training graphs, %d test; %d node and %d edge categories; %d parameters; batch %d\n",
		len(trainSet), len(testSet), cfg.Kx, cfg.Ke, params, f.batch)
	tr.Log = log
	// The pooled autograd graph's free lists grow by about 40 MB a step on
	// this network (buffers of many lengths: graphs of several sizes);
	// dropping them every 25 steps bounds the memory well below the pool's
	// own cap. It changes no value: pooled buffers are zeroed or overwritten.
	tr.Hooks = append(tr.Hooks, train.Hook{Every: 25, Do: func(int) error { autograd.FreeBuffers(); return nil }})
	r := taskRun{tr: tr, dir: f.out, meta: meta, keep: f.keep, curveTitle: "training loss (CE nodes + λ·CE edges)"}
	return r.run(ctx, f.minutes, f.checkpointEvery, log)
}

// loadGraphModel reads the newest checkpoint of path with its EMA weights
// (raw weights when raw is set or the run kept no EMA), and returns the
// model and the checkpoint's metadata.
func loadGraphModel(path string, raw bool) (*digress.Model, map[string]string, string, error) {
	file, err := jobs.NewestCheckpoint(path)
	if err != nil {
		return nil, nil, "", err
	}
	m, meta, err := digress.Load(file, raw)
	return m, meta, file, err
}

// graphSampleFlags are the shared sampling settings.
type graphSampleFlags struct {
	model       string
	n, steps    int
	seed        uint64
	temperature float64
	raw         bool
}

func (f *graphSampleFlags) register(cmd *cobra.Command, n int) {
	fl := cmd.Flags()
	fl.StringVar(&f.model, "model", "", "checkpoint file or run folder (its newest checkpoint)")
	fl.IntVar(&f.n, "n", n, "graphs to generate")
	fl.IntVar(&f.steps, "steps", 500, "reverse diffusion steps")
	fl.Uint64Var(&f.seed, "seed", 1, "random seed (the same seed gives the same graphs)")
	fl.Float64Var(&f.temperature, "temperature", 1, "sharpen (< 1) or flatten (> 1) the predicted distributions")
	fl.BoolVar(&f.raw, "raw", false, "use the raw weights instead of the weight average")
}

func (f *graphSampleFlags) check(what string) error {
	switch {
	case f.model == "":
		return usagef("graph %s: --model is required", what)
	case f.n < 0:
		return usagef("graph %s: --n %d: want ≥ 0", what, f.n)
	case f.steps < 1:
		return usagef("graph %s: --steps %d: want ≥ 1", what, f.steps)
	case !(f.temperature > 0):
		return usagef("graph %s: --temperature %v: want > 0", what, f.temperature)
	}
	return nil
}

func newGraphSampleCmd() *cobra.Command {
	var f graphSampleFlags
	var mf molSampleFlags
	var out, png string
	cmd := &cobra.Command{
		Use:   "sample",
		Short: "Generate graphs with a trained model",
		Long: `sample generates --n graphs, their node counts drawn from the training
distribution, and writes them as JSON (--out); --png draws them. The same
model, seed and settings give the same graphs.

A molecule model writes a SMILES file instead: the canonical SMILES of each
valid molecule with its name (s000, s001 …), and a comment line saying why
for each invalid one (nothing is corrected); --png draws the first 16.
Models trained with --condition rings take --rings and --guidance.`,
		Example: `  diffuse graph sample --model runs/cs --n 20 --seed 1 --out samples.json --png samples.png
  diffuse graph sample --model runs/mol --n 100 --out mols.smi --png mols.png
  diffuse graph sample --model runs/mol --n 16 --rings 2 --guidance 1 --out rings2.smi`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.check("sample"); err != nil {
				return err
			}
			if out == "" {
				return usagef("graph sample: --out is required")
			}
			m, meta, file, err := loadGraphModel(f.model, f.raw)
			if err != nil {
				return err
			}
			if v, ok, err := moleculeVocab(meta, file); err != nil {
				return err
			} else if ok {
				o, err := mf.options("sample", m.Config, f)
				if err != nil {
					return err
				}
				return runMoleculeSample(cmd.Context(), molgen.Generator{Model: m, Vocab: v}, o, file, out, png, cmd.OutOrStdout())
			} else if mf != (molSampleFlags{rings: -1}) {
				return usagef("graph sample: --rings, --guidance and --no-condition are for molecule models; %s is not one", file)
			}
			gs, err := m.Sample(cmd.Context(), f.n, f.steps, f.temperature, tensor.NewRNG(f.seed))
			if err != nil {
				return err
			}
			if png != "" && len(gs) > 0 {
				img, err := graph.Draw(gs, graph.DrawOptions{Seed: f.seed})
				if err != nil {
					return err
				}
				if err := pngout.WriteFile(png, img, map[string]string{"checkpoint": file, "seed": strconv.FormatUint(f.seed, 10)}); err != nil {
					return err
				}
			}
			if err := graph.WriteJSONFile(out, gs); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d graphs to %s (model %s, %d steps, seed %d)\n", len(gs), out, file, f.steps, f.seed)
			return nil
		},
	}
	f.register(cmd, 16)
	mf.register(cmd)
	cmd.Flags().StringVar(&out, "out", "", "JSON file to write (a SMILES file for molecule models)")
	cmd.Flags().StringVar(&png, "png", "", "also draw the graphs to this PNG")
	return cmd
}

func newGraphEvalCmd() *cobra.Command {
	var f graphSampleFlags
	var mf molSampleFlags
	var out string
	var perClass int
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Score a model's samples against the test split (MMD²), beside the baselines",
		Long: `eval generates --n graphs (0 = as many as the test split holds) and prints
the squared MMD of degree, clustering, 4-node orbit and spectral
descriptors against the test split (GDSS's kernels), beside Erdős–Rényi
graphs of the training density and the training set itself (the floor),
with the fraction of distinct graphs (up to isomorphism) and of graphs
isomorphic to no training graph (community-small repeats itself, so a
generator that copies training graphs scores near the floor).
--out writes the numbers as JSON.

For a molecule model it prints validity (the valence check, nothing
corrected), connectivity, uniqueness and novelty (canonical SMILES against
the training split), and the total-variation distances of the atom-type,
bond-order, heavy-atom-count and ring-size histograms to the test split,
for the model, two frequency baselines (every atom and pair drawn from the
training marginals; a valence-respecting random assembly of the same
frequencies) and the training set; --per-class K adds, for a model
conditioned on rings, how many of K samples asked for each ring class have it.`,
		Example: `  diffuse graph eval --model runs/cs --n 100
  diffuse graph eval --model runs/mol --n 500 --steps 100 --per-class 50`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.check("eval"); err != nil {
				return err
			}
			m, meta, file, err := loadGraphModel(f.model, f.raw)
			if err != nil {
				return err
			}
			if v, ok, err := moleculeVocab(meta, file); err != nil {
				return err
			} else if ok {
				o, err := mf.options("eval", m.Config, f)
				if err != nil {
					return err
				}
				if perClass < 0 {
					return usagef("graph eval: --per-class %d: want ≥ 0", perClass)
				}
				return runMoleculeEval(cmd.Context(), molgen.Generator{Model: m, Vocab: v}, o, perClass, meta, file, out, cmd.OutOrStdout())
			} else if mf != (molSampleFlags{rings: -1}) || perClass != 0 {
				return usagef("graph eval: --rings, --guidance, --no-condition and --per-class are for molecule models; %s is not one", file)
			}
			seed, err := strconv.ParseUint(meta[graphSeedKey], 10, 64)
			if err != nil {
				return fmt.Errorf("checkpoint %s: %q: want the training seed, got %q", file, graphSeedKey, meta[graphSeedKey])
			}
			trainSet, testSet, err := loadGraphSplit(meta[graphDataKey], seed)
			if err != nil {
				return err
			}
			if len(testSet) == 0 {
				return fmt.Errorf("graph eval: %s has no test graphs", meta[graphDataKey])
			}
			n := f.n
			if n == 0 {
				n = len(testSet)
			}
			start := time.Now()
			gs, err := m.Sample(cmd.Context(), n, f.steps, f.temperature, tensor.NewRNG(f.seed))
			if err != nil {
				return err
			}
			elapsed := time.Since(start)
			er, err := graph.ErdosRenyi(trainSet, n, tensor.NewRNG(f.seed))
			if err != nil {
				return err
			}
			rows := []struct {
				name string
				gs   []*graph.Graph
			}{{"diffusego", gs}, {"Erdős–Rényi", er}, {"train (floor)", trainSet}}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "MMD² against the %d test graphs of %s (seed %d); %d samples, %d steps (%.1fs); model %s\n",
				len(testSet), meta[graphDataKey], seed, n, f.steps, elapsed.Seconds(), file)
			fmt.Fprintf(w, "%-14s %9s %9s %9s %9s %7s %7s %7s\n", "", "degree", "cluster", "orbit", "spectral", "graphs", "unique", "novel")
			results := map[string]any{"data": meta[graphDataKey], "seed": seed, "test_graphs": len(testSet), "samples": n, "steps": f.steps, "checkpoint": file}
			for _, r := range rows {
				s, err := graph.Evaluate(testSet, r.gs)
				if err != nil {
					return err
				}
				uniq, novel := graph.Unique(r.gs), graph.Novel(r.gs, trainSet)
				fmt.Fprintf(w, "%-14s %9.4f %9.4f %9.4f %9.4f %7d %7.2f %7.2f\n", r.name, s.Degree, s.Clustering, s.Orbit, s.Spectral, len(r.gs), uniq, novel)
				results[r.name] = map[string]any{"degree": s.Degree, "clustering": s.Clustering, "orbit": s.Orbit, "spectral": s.Spectral,
					"graphs": len(r.gs), "unique": uniq, "novel": novel}
			}
			if out != "" {
				return checkpoint.WriteAtomic(out, func(w io.Writer) error {
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					return enc.Encode(results)
				})
			}
			return nil
		},
	}
	f.register(cmd, 0)
	mf.register(cmd)
	cmd.Flags().IntVar(&perClass, "per-class", 0, "molecule models conditioned on rings: also sample this many molecules per ring class and report how many have it")
	cmd.Flags().StringVar(&out, "out", "", "also write the scores as JSON")
	return cmd
}
