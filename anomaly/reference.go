package anomaly

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/baseline"
	"github.com/diffusego/diffusego/tensor"
)

// The feature scores, by the names of the CSV columns and of the
// --score flag of diffuse anomaly.
const (
	// ScoreFeatRecon is the mean over the levels of Features.Recon:
	// multi-scale reconstruction measured in the denoiser's feature space.
	// It needs no normal data.
	ScoreFeatRecon = "feat_recon"
	// ScoreErrMaha is the Mahalanobis distance of the vector of log
	// per-level denoising errors (log Features.Err) under a Gaussian fitted
	// on normal images.
	ScoreErrMaha = "err_maha"
	// ScoreFeatMaha is the Mahalanobis distance of the encoder features of
	// all levels (Features.Enc) with the per-level log errors appended,
	// under a Ledoit–Wolf Gaussian fitted on normal images.
	ScoreFeatMaha = "feat_maha"
	// ScoreFeatKNN is the mean Euclidean distance of Features.Enc to its
	// K nearest normal images.
	ScoreFeatKNN = "feat_knn"
)

// FeatureScoreNames lists the feature scores in CSV order.
var FeatureScoreNames = []string{ScoreFeatRecon, ScoreErrMaha, ScoreFeatMaha, ScoreFeatKNN}

// Reference holds what the feature scores know of normal images: the
// densities and the feature vectors of FitReference's images.
type Reference struct {
	K        int // neighbours of ScoreFeatKNN
	errGauss *Gaussian
	allGauss *Gaussian
	enc      *tensor.Tensor // (M, L·D)
}

// FitReference fits the feature scores to the Features of M ≥ 2 normal
// images; k (1 ≤ k < M) is the neighbour count of ScoreFeatKNN.
func FitReference(normal *Features, k int) (*Reference, error) {
	if normal == nil || normal.Enc == nil || len(normal.Err) < 2 {
		return nil, fmt.Errorf("anomaly: fit reference: want the features of at least 2 normal images")
	}
	m := len(normal.Err)
	if k < 1 || k >= m {
		return nil, fmt.Errorf("anomaly: fit reference: k = %d neighbours of %d normal images: want 1 ≤ k < %d", k, m, m)
	}
	errG, err := FitGaussian(logRows(normal.Err))
	if err != nil {
		return nil, fmt.Errorf("anomaly: fit reference: errors: %w", err)
	}
	allG, err := FitGaussian(joint(normal))
	if err != nil {
		return nil, fmt.Errorf("anomaly: fit reference: features: %w", err)
	}
	return &Reference{K: k, errGauss: errG, allGauss: allG, enc: normal.Enc}, nil
}

// Score returns every feature score of every image of f, by name
// (FeatureScoreNames), higher = more unusual. same says that f are the
// Features of the reference images themselves, in order: each image then
// leaves itself out of its neighbours (leave-one-out), so that validation
// thresholds picked on them are not biased low.
func (r *Reference) Score(f *Features, same bool) (map[string][]float64, error) {
	if f == nil || f.Enc == nil {
		return nil, fmt.Errorf("anomaly: reference score: no features")
	}
	n := len(f.Err)
	if f.Enc.Dim(1) != r.enc.Dim(1) {
		return nil, fmt.Errorf("anomaly: reference score: features of length %d, the reference has %d (other levels or grid?)", f.Enc.Dim(1), r.enc.Dim(1))
	}
	if same && n != r.enc.Dim(0) {
		return nil, fmt.Errorf("anomaly: reference score: %d images given as the reference's own, which has %d", n, r.enc.Dim(0))
	}
	out := map[string][]float64{}
	for _, name := range FeatureScoreNames {
		out[name] = make([]float64, n)
	}
	logErr, all := logRows(f.Err), joint(f)
	for i := range n {
		s := 0.0
		for _, v := range f.Recon[i] {
			s += v / float64(len(f.Recon[i]))
		}
		out[ScoreFeatRecon][i] = s
		var err error
		if out[ScoreErrMaha][i], err = r.errGauss.Mahalanobis(logErr[i]); err != nil {
			return nil, err
		}
		if out[ScoreFeatMaha][i], err = r.allGauss.Mahalanobis(all[i]); err != nil {
			return nil, err
		}
	}
	k := r.K
	if same {
		k++ // the image itself comes back first (distance 0) and is dropped
	}
	idx, dist, err := baseline.KNearest(r.enc, f.Enc, k)
	if err != nil {
		return nil, err
	}
	for i := range n {
		s, used := 0.0, 0
		for j, id := range idx[i] {
			if same && id == i {
				continue
			}
			if used == r.K {
				break
			}
			s += dist[i][j]
			used++
		}
		out[ScoreFeatKNN][i] = s / float64(used)
	}
	return out, nil
}

// logRows returns log(v + 1e-12) of every value: denoising errors span
// orders of magnitude across levels, and a Gaussian fits their logs better.
func logRows(rows [][]float64) [][]float64 {
	out := make([][]float64, len(rows))
	for i, r := range rows {
		out[i] = make([]float64, len(r))
		for j, v := range r {
			out[i][j] = math.Log(v + 1e-12)
		}
	}
	return out
}

// joint returns, per image, its encoder features with its log errors
// appended.
func joint(f *Features) [][]float64 {
	n := len(f.Err)
	d := f.Enc.Dim(1)
	out := make([][]float64, n)
	for i := range n {
		row := make([]float64, 0, d+len(f.Err[i]))
		for _, v := range f.Enc.Data[i*d : (i+1)*d] {
			row = append(row, float64(v))
		}
		for _, v := range f.Err[i] {
			row = append(row, math.Log(v+1e-12))
		}
		out[i] = row
	}
	return out
}
