package anomaly

import (
	"fmt"
	"math"
	"slices"

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
	// ScoreLayerMaha is the sum, over the levels and the encoder
	// activations of each level (Features.Widths), of the Mahalanobis
	// distance of the activation's pooled block under its own Ledoit–Wolf
	// Gaussian fitted on normal images: one small density per layer instead
	// of one large one (Rippel et al. 2020 sum the per-layer Mahalanobis
	// distances of a pretrained network's features).
	ScoreLayerMaha = "layer_maha"
	// ScoreFeatEns is the mean of the z-scores of layer_maha and
	// feat_knn, each standardised by its mean and standard deviation over
	// normal images (Reference.Calibrate; until then the reference images
	// themselves): a density per layer and the distance to the nearest
	// normal images, two views of the same features, put on one scale with
	// no weight tuned.
	ScoreFeatEns = "feat_ens"
)

// ensembleParts are the scores ScoreFeatEns averages, standardised.
var ensembleParts = []string{ScoreLayerMaha, ScoreFeatKNN}

// FeatureScoreNames lists the feature scores in CSV order.
var FeatureScoreNames = []string{ScoreFeatRecon, ScoreErrMaha, ScoreFeatMaha, ScoreFeatKNN, ScoreLayerMaha, ScoreFeatEns}

// Reference holds what the feature scores know of normal images: the
// densities and the feature vectors of FitReference's images.
type Reference struct {
	K        int // neighbours of ScoreFeatKNN
	errGauss *Gaussian
	allGauss *Gaussian
	layers   []*Gaussian    // one per level and activation block, level-major
	widths   []int          // the blocks of one level (Features.Widths)
	enc      *tensor.Tensor // (M, L·D)
	// the mean and standard deviation of each of ensembleParts over the
	// calibration images
	mean, sd []float64
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
	r := &Reference{K: k, errGauss: errG, allGauss: allG, enc: normal.Enc, widths: blockWidths(normal)}
	if r.widths == nil {
		return nil, fmt.Errorf("anomaly: fit reference: widths %v do not split the %d features of %d levels", normal.Widths, normal.Enc.Dim(1), len(normal.Err[0]))
	}
	for l := range len(normal.Err[0]) {
		for b := range r.widths {
			g, err := FitGaussian(block(normal, r.widths, l, b))
			if err != nil {
				return nil, fmt.Errorf("anomaly: fit reference: level %d, activation %d: %w", l, b, err)
			}
			r.layers = append(r.layers, g)
		}
	}
	if err := r.Calibrate(normal, true); err != nil {
		return nil, err
	}
	return r, nil
}

// Calibrate sets the mean and standard deviation that standardise the
// parts of ScoreFeatEns to those of val, the Features of normal images
// the reference was not fitted on (same = false), or of the reference
// images themselves (same = true, as FitReference does: k-NN left one out,
// the densities in-sample, so their spread is a little low). At least 2
// images; a part constant over them is only centred.
func (r *Reference) Calibrate(val *Features, same bool) error {
	sc, err := r.score(val, same, false)
	if err != nil {
		return fmt.Errorf("anomaly: calibrate: %w", err)
	}
	n := len(val.Err)
	if n < 2 {
		return fmt.Errorf("anomaly: calibrate: %d images, want at least 2", n)
	}
	mean, sd := make([]float64, len(ensembleParts)), make([]float64, len(ensembleParts))
	for p, name := range ensembleParts {
		for _, v := range sc[name] {
			mean[p] += v / float64(n)
		}
		for _, v := range sc[name] {
			sd[p] += (v - mean[p]) * (v - mean[p]) / float64(n-1)
		}
		if sd[p] = math.Sqrt(sd[p]); !(sd[p] > 0) {
			sd[p] = 1
		}
	}
	r.mean, r.sd = mean, sd
	return nil
}

// blockWidths returns f.Widths, or one block of a whole level when nil;
// nil when the widths do not sum to a level's length.
func blockWidths(f *Features) []int {
	L := len(f.Err[0])
	if L == 0 || f.Enc.Dim(1)%L != 0 {
		return nil
	}
	d := f.Enc.Dim(1) / L
	if f.Widths == nil {
		return []int{d}
	}
	sum := 0
	for _, w := range f.Widths {
		if w < 1 {
			return nil
		}
		sum += w
	}
	if sum != d {
		return nil
	}
	return f.Widths
}

// block returns, per image of f, the b-th activation block of level l.
func block(f *Features, widths []int, l, b int) [][]float64 {
	n, all := len(f.Err), f.Enc.Dim(1)
	d := all / len(f.Err[0])
	off := l * d
	for _, w := range widths[:b] {
		off += w
	}
	out := make([][]float64, n)
	for i := range n {
		row := f.Enc.Data[i*all+off : i*all+off+widths[b]]
		out[i] = make([]float64, len(row))
		for j, v := range row {
			out[i][j] = float64(v)
		}
	}
	return out
}

// Score returns every feature score of every image of f, by name
// (FeatureScoreNames), higher = more unusual. same says that f are the
// Features of the reference images themselves, in order: each image then
// leaves itself out of its neighbours (leave-one-out), so that validation
// thresholds picked on them are not biased low.
func (r *Reference) Score(f *Features, same bool) (map[string][]float64, error) {
	out, err := r.score(f, same, true)
	if err != nil {
		return nil, err
	}
	ens := make([]float64, len(f.Err))
	for p, name := range ensembleParts {
		for i, v := range out[name] {
			ens[i] += (v - r.mean[p]) / r.sd[p] / float64(len(ensembleParts))
		}
	}
	out[ScoreFeatEns] = ens
	return out, nil
}

// score is Score without ScoreFeatEns; without all, only the parts of
// ScoreFeatEns are computed (the others are left 0).
func (r *Reference) score(f *Features, same, all bool) (map[string][]float64, error) {
	if f == nil || f.Enc == nil || len(f.Err) == 0 || f.Enc.Dim(0) != len(f.Err) {
		return nil, fmt.Errorf("anomaly: reference score: no features, or not one error row per feature row")
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
		if name != ScoreFeatEns {
			out[name] = make([]float64, n)
		}
	}
	if w := blockWidths(f); !slices.Equal(w, r.widths) || len(f.Err[0])*len(r.widths) != len(r.layers) {
		return nil, fmt.Errorf("anomaly: reference score: activation blocks %v of %d levels, the reference has %v of %d", w, len(f.Err[0]), r.widths, len(r.layers)/len(r.widths))
	}
	for l := range len(f.Err[0]) {
		for b := range r.widths {
			g := r.layers[l*len(r.widths)+b]
			for i, v := range block(f, r.widths, l, b) {
				m, err := g.Mahalanobis(v)
				if err != nil {
					return nil, err
				}
				out[ScoreLayerMaha][i] += m
			}
		}
	}
	logErr, vecs := logRows(f.Err), joint(f)
	for i := range n {
		if !all {
			break
		}
		s := 0.0
		for _, v := range f.Recon[i] {
			s += v / float64(len(f.Recon[i]))
		}
		out[ScoreFeatRecon][i] = s
		var err error
		if out[ScoreErrMaha][i], err = r.errGauss.Mahalanobis(logErr[i]); err != nil {
			return nil, err
		}
		if out[ScoreFeatMaha][i], err = r.allGauss.Mahalanobis(vecs[i]); err != nil {
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
