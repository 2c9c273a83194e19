package digress

import (
	"fmt"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/graph"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// Task is the training task of a Model (train.Task) over step-indexed
// batches of graphs: step s is batch s mod P of epoch s div P
// (P = ⌊len/Batch⌋), each epoch visiting the graphs in a permutation drawn
// from Seed and the epoch number. The loss of a batch is DiGress's
//
//	L = CE_nodes + λ·CE_edges,
//
// each the mean cross-entropy of the logits of x_0 given z_t over the real
// nodes and over the real ordered pairs i ≠ j, with t drawn uniformly from
// {1/T, …, 1} per graph and z_t ~ q(G_t | G_0) (Process.Noise).
//
// A conditional model (Config.Classes > 0) is trained on Labels, the class
// of each graph, each replaced by "no class" with probability
// Config.CondDrop (drawn from rng.Split(2)), as classifier-free guidance
// trains (Ho & Salimans 2022).
type Task struct {
	Model  *Model
	Graphs []*graph.Graph
	Labels []int // class of each graph, for a conditional model; see SetLabels
	Batch  int
	Seed   uint64

	epoch int
	perm  []int
}

var _ train.Task = (*Task)(nil)

// NewTask checks the batch size and the graphs' types against the model.
func NewTask(m *Model, graphs []*graph.Graph, batch int, seed uint64) (*Task, error) {
	if batch < 1 || batch > len(graphs) {
		return nil, fmt.Errorf("digress: batch of %d graphs: want 1 to the %d training graphs", batch, len(graphs))
	}
	if _, err := FromGraphs(graphs, m.Config.Kx, m.Config.Ke); err != nil {
		return nil, err
	}
	for i, g := range graphs {
		if g.N() < 1 || g.N() > m.Config.MaxN {
			return nil, fmt.Errorf("digress: training graph %d has %d nodes: want 1 to %d", i, g.N(), m.Config.MaxN)
		}
	}
	return &Task{Model: m, Graphs: graphs, Batch: batch, Seed: seed, epoch: -1}, nil
}

// SetLabels gives the class of every training graph, for a conditional
// model: one per graph, each in 0…Classes−1.
func (t *Task) SetLabels(labels []int) error {
	if t.Model.Config.Classes == 0 {
		return fmt.Errorf("digress: labels for a model without classes")
	}
	if len(labels) != len(t.Graphs) {
		return fmt.Errorf("digress: %d labels for %d graphs: want one per graph", len(labels), len(t.Graphs))
	}
	for i, c := range labels {
		if c < 0 || c >= t.Model.Config.Classes {
			return fmt.Errorf("digress: graph %d: class %d: want 0 to %d", i, c, t.Model.Config.Classes-1)
		}
	}
	t.Labels = labels
	return nil
}

// Params lists the network's parameters.
func (t *Task) Params() []*nn.Param { return t.Model.Params() }

// PerEpoch is the number of batches in one pass over the graphs.
func (t *Task) PerEpoch() int { return len(t.Graphs) / t.Batch }

// Items is the number of graphs per step.
func (t *Task) Items() int { return t.Batch }

// BatchOf returns the graphs of step and its epoch.
func (t *Task) BatchOf(step int) ([]*graph.Graph, int) {
	idx, epoch := t.indices(step)
	gs := make([]*graph.Graph, len(idx))
	for i, k := range idx {
		gs[i] = t.Graphs[k]
	}
	return gs, epoch
}

// indices returns the indices into Graphs of step's batch and its epoch.
func (t *Task) indices(step int) ([]int, int) {
	epoch := step / t.PerEpoch()
	if epoch != t.epoch {
		t.perm = tensor.NewRNG(t.Seed).Split(uint64(epoch)).Perm(len(t.Graphs))
		t.epoch = epoch
	}
	first := (step % t.PerEpoch()) * t.Batch
	return t.perm[first : first+t.Batch], epoch
}

// Loss records the loss of step's batch on g, drawing t from rng.Split(0)
// and the noise from rng.Split(1).
func (t *Task) Loss(g *autograd.Graph, step int, rng *tensor.RNG) (*autograd.Var, int, error) {
	if t.Model.Config.Classes > 0 && t.Labels == nil {
		return nil, 0, fmt.Errorf("digress: a conditional model needs the graphs' labels (Task.SetLabels)")
	}
	idx, _ := t.indices(step)
	gs, epoch := t.BatchOf(step)
	x0, err := FromGraphs(gs, t.Model.Config.Kx, t.Model.Config.Ke)
	if err != nil {
		return nil, 0, err
	}
	if t.Labels != nil {
		drop := rng.Split(2)
		x0.Cond = make([]int, len(idx))
		for i, k := range idx {
			x0.Cond[i] = t.Labels[k]
			if drop.Uniform() < t.Model.Config.CondDrop {
				x0.Cond[i] = -1
			}
		}
	}
	r := rng.Split(0)
	ts := make([]float64, x0.B)
	for i := range ts {
		ts[i] = float64(r.Intn(t.Model.Config.T)+1) / float64(t.Model.Config.T)
	}
	z := t.Model.Process.Noise(x0, ts, rng.Split(1))
	return t.Model.Loss(g, x0, z, ts), epoch, nil
}

// Loss is CE_nodes + λ·CE_edges of the model's logits for z at times ts
// against the clean batch x0.
func (m *Model) Loss(g *autograd.Graph, x0, z *Batch, ts []float64) *autograd.Var {
	c := m.Config
	lx, le := m.Forward(g, z, ts)
	b, n := x0.B, x0.N
	wx, we := make([]float32, b*n), make([]float32, b*n*n)
	nodes, pairs := 0, 0
	for k := 0; k < b; k++ {
		s := x0.Sizes[k]
		nodes += s
		pairs += s * (s - 1)
	}
	for k := 0; k < b; k++ {
		for i := 0; i < x0.Sizes[k]; i++ {
			wx[k*n+i] = 1 / float32(nodes)
			if pairs == 0 {
				continue
			}
			for j := 0; j < x0.Sizes[k]; j++ {
				if j != i {
					we[(k*n+i)*n+j] = float32(c.Lambda) / float32(pairs)
				}
			}
		}
	}
	lossX := g.WeightedCrossEntropy(g.Reshape(lx, b*n, c.Kx), x0.X, wx)
	lossE := g.WeightedCrossEntropy(g.Reshape(le, b*n*n, c.Ke), x0.E, we)
	return g.Add(lossX, lossE)
}
