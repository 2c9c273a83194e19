// Package csdi is a conditional diffusion model for multivariate time
// series in the style of CSDI (Tashiro et al. 2021, "CSDI: Conditional
// Score-based Diffusion Models for Probabilistic Time Series Imputation"):
// it fills the missing cells of a window given the observed ones, with
// honest uncertainty, and forecasts by filling a window's future rows.
//
// A window is L rows × K numeric columns, standardised by the training
// rows' Scaler (stored with the model). The conditioning cells m^co (the
// observed cells the model may read) and their values x^co are the
// condition; the other cells are denoised from x_T ~ N(0, I) by DDPM's
// ancestral sampler over CSDI's 50-step quadratic schedule. The network
// (Net) is CSDI's residual network: each layer attends across the L rows
// of each column and across the K columns of each row with two transformer
// blocks, adds the diffusion-step embedding, and is conditioned on side
// information (a sinusoidal embedding of the row, a learned embedding of the
// column, the conditioning mask and optional one-hot covariates). Two
// optional inputs go beyond CSDI: the linear interpolation of each column's
// conditioning values as a third input channel (Config.Interp, PriSTI's
// interpolated condition) and the time of year of each row in the side
// information (Config.Season). Samples can be widened or narrowed about
// their median by a factor chosen on validation data (Model.Spread,
// ScaleSpread).
//
// Training (Task, a train.Task) draws windows of the training rows, hides
// part of their observed cells as targets (random cells, blocks of rows,
// the final rows, or another window's gaps: Masks) and fits ε̂ on the
// targets. A model trained with Config.Unconditional sees no condition and
// generates whole windows (Generate).
//
//	m, err := csdi.Load("runs/weather/ckpt-000700.safetensors", true)
//	if err != nil {
//		return err
//	}
//	s, err := series.Read("seattle-weather.csv", series.Options{})
//	samples, err := m.Forecast(ctx, s, 7, 100, 1) // (100, 7, K) in °C, mm, m/s
//	median := csdi.Quantile(samples, 0.5)
//
// Checkpoints are safetensors files written by train.Trainer with the
// Config (ConfigKey) and the Scaler (ScalerKey) as JSON in the header, so
// that a run resumes exactly and a checkpoint is a whole model.
package csdi
