// Package series holds the time-series modality around a conditional
// diffusion model in the style of CSDI (Tashiro et al. 2021, "CSDI:
// Conditional Score-based Diffusion Models for Probabilistic Time Series
// Imputation"): reading series, normalising them, cutting windows, making
// observation and target masks, scoring probabilistic imputations and
// forecasts, simple baselines to score against, and fan charts.
//
// A Series is a (T, D) table of float64: row t is one time stamp, column d
// one numeric variable, NaN where a cell is missing. Times are dates (UTC)
// or plain numbers, strictly increasing. Categorical columns are kept beside
// the numbers as covariates (ids, or one-hot with OneHot). Read takes CSV or
// a JSON array of records, wide (one row per time) or long (one row per
// (series id, time), pivoted to one column per id); bad input is a
// *data.ParseError that names the file, the line and the column.
//
// Masks are (T, D) booleans. The observed mask is true where the data has a
// number; a target mask marks observed cells hidden from a method and scored
// against the truth. Conditioning cells are observed and not target. Every
// imputer takes (values, observed, target) and returns a full (T, D) table;
// it may read only conditioning cells.
//
// A model plugs in as a Model: MakeWindows cuts normalised windows that show
// only the conditioning cells (0 elsewhere, with the categorical covariates
// one-hot), the model returns samples of each window, and EvaluateModel maps
// them back to the data's units and scores them. PointModel wraps any
// Imputer the same way, so baselines and models are scored by one path.
//
// Scores follow CSDI's evaluation code: CRPS is the quantile loss averaged
// over the 19 levels 0.05, 0.10, …, 0.95 and normalised by Σ|x| over the
// target cells; MAE and RMSE are those of the median of the samples;
// coverage is the share of target cells inside a central interval. All are
// computed in the data's own units.
//
//	s, err := series.Read("seattle-weather.csv", series.Options{})
//	if err != nil {
//		return err
//	}
//	test := s.Index(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
//	target := series.RandomMask(s.Observed(), test, s.Len(), 0.1, tensor.NewRNG(1))
//	imputed, err := series.LinearInterp(s.Values, s.Observed(), target)
//	score, err := series.Evaluate(s.Values, target, [][][]float64{imputed})
//	// score.CRPS, score.MAE, score.RMSE
package series
