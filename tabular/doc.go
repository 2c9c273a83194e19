// Package tabular synthesises tables with diffusion, at the level of TabDDPM
// (Kotelnikov et al. 2023), and measures how good and how private the
// synthetic rows are.
//
// A table is read as text (data.ReadCSV, data.ReadJSONRows), typed by Infer
// into a Schema — numeric, integer, categorical or boolean per column, which a
// Config can override — and parsed into a Frame: one float64 slice per
// column, category indices for discrete columns, NaN for a missing cell. The
// schema's missing policy drops rows, imputes the mean or mode, or models
// missingness: a numeric column gets a 2-class mask feature and a discrete
// column an extra class, so synthetic rows are missing about as often, and
// where, as real ones.
//
// Fit learns a reversible Transformer: quantile-normal (the empirical CDF,
// mid-ranks, mapped through Φ⁻¹; exact at every seen value) or standard
// scaling for numbers, class indices for categories (one-hot inside the
// model). Decode(Encode(f)) gives f back exactly, and Frame.Table formats it
// back to the same text.
//
// The Model runs Gaussian diffusion (DDPM, ε-prediction, cosine schedule) on
// the numeric features and masked (absorbing-state) diffusion on the
// categorical ones, with the same step t and one MLP denoiser with a
// sinusoidal time embedding. With a target column the model is conditional:
// the target is never masked, so samples can be drawn for chosen classes or
// class-balanced.
//
//	m, err := tabular.TrainModel(ctx, frame, tabular.ScaleQuantile, tabular.DefaultModelConfig(), tabular.TrainOptions{Iters: 3000})
//	syn, err := m.Sample(ctx, 1000, tabular.SampleOptions{Seed: 1})
//	err = data.WriteCSV(w, syn.Table("synthetic.csv"))
//
// Evaluation (Bench, Evaluate) compares diffusego with two baselines,
// Independent per-column sampling and a Gaussian Copula: per-column
// Kolmogorov–Smirnov and total variation, the mean absolute difference of the
// mixed association matrices (Pearson r for two numbers, Cramér's V for two
// categories, correlation ratio η for one of each), ML efficacy (macro-F1 on
// held-out real rows of a logistic regression trained on synthetic vs real
// rows), augmentation gain on a small real subset, and the median distance to
// the closest training record of synthetic vs held-out rows.
package tabular
