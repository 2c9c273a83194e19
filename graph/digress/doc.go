// Package digress generates graphs with discrete denoising diffusion on
// node and edge categories: DiGress (Vignac et al. 2023, "DiGress:
// Discrete Denoising diffusion for graph generation", ICLR).
//
// It lives under graph/ rather than in diffusion/ because everything but
// the per-element transition (Marginal) is about graphs: edges are pairs
// drawn once and mirrored, node counts vary inside a batch, the network
// reads adjacency structure. Marginal itself is modality-agnostic float64
// maths and could move to a diffusion/categorical package if another
// modality needs marginal transitions.
//
// The forward process (Process) noises each node's category and each
// node pair's category ("no edge" is edge category 0) independently with
// DiGress's marginal transitions
//
//	Q_t = α_t·I + (1 − α_t)·1mᵀ,   Q̄_t = ᾱ_t·I + (1 − ᾱ_t)·1mᵀ,
//
// towards m, the distribution of the categories in the training data
// (Marginals; m_X over nodes, m_E over pairs), with the cosine schedule
// of ᾱ_t (CosineAlphaBar) over continuous time t ∈ [0, 1]; its stationary
// distribution is m, so sampling starts from graphs whose elements are
// independent draws from m (Process.Prior). The reverse step is
//
//	p_θ(z_s | z_t) = Π_elements Σ_{x_0} q(z_s | z_t, x_0)·p_θ(x_0 | z_t),
//
// with the posterior q(z_s | z_t, x_0) ∝ Q_{t|s}[·, z_t]·Q̄_s[x_0, ·]
// (Marginal.Posterior, Reverse) and p_θ(x_0 | z_t) from a Denoiser: the
// network (Model), or in the tests the exact denoiser of a tabulated
// distribution over small graphs, against which the Sampler reproduces
// the distribution (χ²).
//
// Model is a graph transformer with edge features after DiGress's
// (models/transformer_model.py), simplified: see Model. Its inputs are
// the one-hot noisy graph, structural features of the noisy graph (cycle
// counts k = 3, 4, 5 per node and per graph from adjacency powers,
// degrees, the node count: ExtraFeatures) and t. Task trains it with the
// cross-entropy on nodes plus λ (5) times the cross-entropy on edges, as
// a train.Task over step-indexed batches of graphs padded with a node
// mask; padding is never scored or generated.
//
// For molecules (graph/molgen), Config.Valence adds each node's valence in
// the noisy graph (edge category k counted as bond order k) to the node
// inputs, and Config.Classes makes the model conditional on a graph-level
// class given in the global input y; training drops the class for a
// fraction Config.CondDrop of graphs, so that Guided can sample with
// classifier-free guidance (Ho & Salimans 2022) mixed on log-probabilities:
// log p̃ = (1 + w)·log p(x_0 | z_t, c) − w·log p(x_0 | z_t). Both are off by
// default, and checkpoints without them read as before.
//
//	mx, me, _ := digress.Marginals(train, 1, 2)
//	m, _ := digress.NewModel(digress.DefaultConfig(1, 2, mx, me, sizes), rng)
//	task, _ := digress.NewTask(m, train, 32, seed)
//	tr, _ := trainpkg.NewTask(task, opts) // then tr.Run(ctx)
//	gs, _ := m.Sample(ctx, 100, 500, 1, tensor.NewRNG(1))
package digress
