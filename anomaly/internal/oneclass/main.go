// Command oneclass measures anomaly scores in the one-class protocol on
// Fashion-MNIST (docs/anomaly.md): for each class c, a model trained on
// the first fit training images of c (train.sh) scores test images
// [0, n); normal = class c, anomalous = the other nine. It reports the
// AUROC of the ELBO (bits/dim) and of the ELBO minus the PNG length
// (Serrà et al. 2020), of the six feature scores of anomaly.Reference
// (feature-space reconstruction, Mahalanobis distance of the per-level
// errors and of the encoder features, k-NN in the encoder features, the
// per-layer Mahalanobis sum and the ensemble feat_ens, fitted on the first
// -ref training images of c and standardised on the validation images),
// and of PCA reconstruction error and raw-pixel k-NN distance fitted on
// the first fit training images; the threshold of -best is the
// q-quantile of its scores on training images [fit, fit+val) of c, which
// nothing was fitted on. Run from the repository root after train.sh (or
// use bench/anomaly_table.sh, which does both):
//
//	go run ./anomaly/internal/oneclass -runs out/oneclass -ref 1000 -grid 2 -best feat_ens > out/oneclass/table.md
//
// -table probe caches the network's probes of each class
// (probe-class-C.gob: the raw pooled activations at grids 1, 2 and 4, the
// per-step errors and the feature reconstructions of the reference,
// validation and test images, checked bit for bit against
// Detector.Features when written; -table checkcache checks them again);
// the feature table then reads the cache instead of running the network.
// -table variants scores the cache with the candidate recipes of
// docs/anomaly.md (-extra: the second set). -table recon is the earlier
// table of reconstruction and ELBO.
//
// Noise and ELBO steps are seeded: the numbers repeat bit for bit on one machine.
package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/diffusego/diffusego/anomaly"
	"github.com/diffusego/diffusego/baseline"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/metrics"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
)

var classNames = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

type settings struct {
	dir, runs, steps, best string
	sigmas                 string
	seeds                  int
	n, fit, val, ref, k    int
	terms, grid            int
	q                      float64
	classes                []int
}

func main() {
	var s settings
	flag.StringVar(&s.dir, "data", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST directory")
	flag.StringVar(&s.runs, "runs", "out/oneclass", "folder with one run folder class-C per class (train.sh)")
	flag.IntVar(&s.n, "n", 1000, "evaluation images: test set [0, n)")
	flag.IntVar(&s.fit, "fit", 5800, "training images of the class the models and baselines were fitted on")
	flag.IntVar(&s.val, "val", 100, "validation images of the class after those, for the thresholds")
	flag.IntVar(&s.ref, "ref", 500, "training images of the class the feature densities and k-NN are fitted on (the first ones)")
	flag.IntVar(&s.k, "k", 5, "neighbours of the feature k-NN score")
	flag.StringVar(&s.steps, "steps", "100,250,400", "time steps of the feature probes")
	flag.IntVar(&s.grid, "grid", 1, "pooling grid of the encoder features")
	flag.StringVar(&s.best, "best", anomaly.ScoreFeatMaha, "score whose validation threshold is reported")
	flag.IntVar(&s.terms, "terms", 6, "ELBO diffusion terms (stratified); 0 = all, -1 = skip the ELBO")
	flag.Float64Var(&s.q, "q", 0.95, "threshold quantile of the validation scores")
	flag.StringVar(&s.sigmas, "sigmas", "0.3,0.7", "-table recon: reconstruction noise levels")
	flag.IntVar(&s.seeds, "seeds", 2, "-table recon: noise draws per level")
	table := flag.String("table", "features", "features (the feature scores, ELBO − PNG), probe (cache the probes), checkcache, variants, or recon (reconstruction and ELBO, the earlier table)")
	classes := flag.String("classes", "0,1,2,3,4,5,6,7,8,9", "classes to measure")
	flag.Parse()
	for _, f := range strings.Split(*classes, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || c < 0 || c > 9 {
			fmt.Fprintf(os.Stderr, "oneclass: -classes: %q is not a class 0-9\n", f)
			os.Exit(2)
		}
		s.classes = append(s.classes, c)
	}
	do := run
	switch *table {
	case "features":
	case "recon":
		do = runRecon
	case "probe":
		do = runProbe
	case "variants":
		do = runVariants
	case "checkcache":
		do = runCheckCache
	default:
		fmt.Fprintf(os.Stderr, "oneclass: -table: want features, probe, checkcache, variants or recon, got %q\n", *table)
		os.Exit(2)
	}
	if err := do(s); err != nil {
		fmt.Fprintln(os.Stderr, "oneclass:", err)
		os.Exit(1)
	}
}

// run is the table of the feature scores and ELBO − PNG, -table features.
func run(s settings) error {
	steps, err := parseSteps(s.steps)
	if err != nil {
		return err
	}
	test, testLabels, err := data.LoadFashionMNIST(s.dir, "test")
	if err != nil {
		return err
	}
	train, trainLabels, err := data.LoadFashionMNIST(s.dir, "train")
	if err != nil {
		return err
	}
	eval, evalLabels := rows(test, seq(0, s.n)), testLabels[:s.n]
	fopt := anomaly.FeatureOptions{Steps: steps, Seed: 1, Grid: s.grid}
	fmt.Printf("## One-class anomaly detection: AUROC on Fashion-MNIST test images [0, %d)\n\n", s.n)
	fmt.Printf("ELBO: %d stratified terms, bits/dim; ELBO − PNG: minus the PNG length in bits/dim (Serrà et al. 2020).\n", s.terms)
	fmt.Printf("Features: steps t ∈ {%s}, grid %d, seed 1; densities and %d-NN fitted on the first %d training images of the class.\n", s.steps, s.grid, s.k, s.ref)
	fmt.Printf("Baselines fitted on the first %d training images of the class; thresholds = %g-quantile of the scores of the next %d.\n",
		s.fit, s.q, s.val)
	fmt.Printf("TPR/FPR: flagged anomalous / flagged normal test images at that threshold, for %s.\n\n", s.best)
	t := newTable(featureColumns, len(s.classes), s.best+" TPR/FPR", "seconds")
	for _, c := range s.classes {
		t0 := time.Now()
		var idx []int
		for i, l := range trainLabels {
			if l == c {
				idx = append(idx, i)
			}
		}
		if len(idx) < s.fit+s.val || s.ref > s.fit {
			return fmt.Errorf("class %d: %d training images, want %d + %d and -ref ≤ -fit", c, len(idx), s.fit, s.val)
		}
		fit, valid, ref := rows(train, idx[:s.fit]), rows(train, idx[s.fit:s.fit+s.val]), rows(train, idx[:s.ref])
		anomalous := make([]bool, s.n)
		for i, l := range evalLabels {
			anomalous[i] = l != c
		}
		ckpt, err := newest(filepath.Join(s.runs, fmt.Sprintf("class-%d", c)))
		if err != nil {
			return err
		}
		p, err := pipeline.Load(ckpt, true)
		if err != nil {
			return err
		}
		det := &anomaly.Detector{Pipeline: p, Class: -1, ELBOTerms: s.terms, ELBOSeed: 1}
		ctx := context.Background()
		// The probes come from the class's cache (-table probe, checked
		// bit for bit against Detector.Features when written) when there
		// is one, else from the network.
		pf, err := loadProbe(filepath.Join(s.runs, fmt.Sprintf("probe-class-%d.gob", c)))
		if err != nil && !os.IsNotExist(err) {
			return err
		}
		if pf != nil && (len(pf.Ref) < s.ref || !slices.Equal(pf.Ref[:s.ref], idx[:s.ref]) || pf.Eval != s.n ||
			!slices.Equal(pf.Val, idx[s.fit:s.fit+s.val]) || !allCached(pf, steps) || !slices.Contains(pf.Grids, s.grid)) {
			return fmt.Errorf("class %d: the probe cache has other images, steps or grids than asked: delete it or match -ref, -n, -steps, -grid", c)
		}
		features := func(set string, x *tensor.Tensor) (*anomaly.Features, error) {
			if pf == nil {
				return det.Features(x, fopt)
			}
			f := pf.Sets[set].features(pf, steps, s.grid)
			if set == "ref" {
				f = head(f, s.ref)
			}
			return f, nil
		}
		score := func(set string, x *tensor.Tensor, r *anomaly.Reference) (map[string][]float64, error) {
			f, err := features(set, x)
			if err != nil {
				return nil, err
			}
			out, err := r.Score(f, false)
			if err != nil {
				return nil, err
			}
			if s.terms >= 0 {
				bpd, err := det.ELBOBits(ctx, x)
				if err != nil {
					return nil, err
				}
				png, err := anomaly.CompressedBits(x)
				if err != nil {
					return nil, err
				}
				out["elbo_bpd"], out["elbo_minus_png"] = bpd, make([]float64, len(bpd))
				for i := range bpd {
					out["elbo_minus_png"][i] = bpd[i] - png[i]
				}
			}
			return out, nil
		}
		rf, err := features("ref", ref)
		if err != nil {
			return fmt.Errorf("class %d: reference: %w", c, err)
		}
		r, err := anomaly.FitReference(rf, s.k)
		if err != nil {
			return fmt.Errorf("class %d: %w", c, err)
		}
		vf, err := features("val", valid)
		if err != nil {
			return fmt.Errorf("class %d: validation: %w", c, err)
		}
		if err := r.Calibrate(vf, false); err != nil {
			return fmt.Errorf("class %d: %w", c, err)
		}
		scores, err := score("eval", eval, r)
		if err != nil {
			return fmt.Errorf("class %d: %w", c, err)
		}
		vs, err := score("val", valid, r)
		if err != nil {
			return fmt.Errorf("class %d: validation: %w", c, err)
		}
		th, err := restore.QuantileThreshold(vs[s.best], s.q)
		if err != nil {
			return err
		}
		if err := writeScores(filepath.Join(s.runs, fmt.Sprintf("features-class-%d.csv", c)), evalLabels, scoreKeys(featureColumns), scores); err != nil {
			return err
		}
		if err := addBaselines(scores, fit, eval); err != nil {
			return err
		}
		t.row(c, scores, anomalous, rates(scores[s.best], th, anomalous), fmt.Sprintf("%.0f", time.Since(t0).Seconds()))
	}
	t.mean()
	return nil
}

// column is one score column of a table: the key of its scores in a
// class's map of scores, and its heading.
type column struct{ key, head string }

// The raw-pixel baselines' columns (addBaselines), last in both tables.
var baselineColumns = []column{{"pca_10", "PCA k=10"}, {"pca_50", "PCA k=50"}, {"knn_1", "kNN k=1"}, {"knn_5", "kNN k=5"}}

// featureColumns are the columns of -table features: the ELBO, ELBO − PNG,
// the feature scores of anomaly.FeatureScoreNames (in that order), then
// the baselines.
var featureColumns = slices.Concat([]column{
	{"elbo_bpd", "ELBO"}, {"elbo_minus_png", "ELBO − PNG"},
	{anomaly.ScoreFeatRecon, "feat recon"}, {anomaly.ScoreErrMaha, "err maha"}, {anomaly.ScoreFeatMaha, "feat maha"},
	{anomaly.ScoreFeatKNN, "feat kNN"}, {anomaly.ScoreLayerMaha, "layer maha"}, {anomaly.ScoreFeatEns, "feat ens"},
}, baselineColumns)

// reconColumns are the columns of -table recon.
var reconColumns = slices.Concat([]column{{"recon", "recon"}, {"elbo", "ELBO"}}, baselineColumns)

// scoreKeys are the keys of the columns before the baselines: the scores
// a class's CSV holds.
func scoreKeys(cols []column) []string {
	var keys []string
	for _, c := range cols[:len(cols)-len(baselineColumns)] {
		keys = append(keys, c.key)
	}
	return keys
}

// table prints a Markdown table of one AUROC column per score, after the
// class and before the extra columns, and the mean AUROC of every score
// over the classes.
type table struct {
	cols    []column
	extra   int
	classes int       // the classes of the table
	means   []float64 // per column: the sum of AUROC/classes over the rows so far
}

// newTable prints the heading of a table of cols over classes classes,
// with the extra columns.
func newTable(cols []column, classes int, extra ...string) *table {
	head, rule := "| class |", "|---|"
	for _, c := range cols {
		head, rule = head+" "+c.head+" |", rule+"---|"
	}
	for _, e := range extra {
		head, rule = head+" "+e+" |", rule+"---|"
	}
	fmt.Println(head)
	fmt.Println(rule)
	return &table{cols: cols, extra: len(extra), classes: classes, means: make([]float64, len(cols))}
}

// row prints class c's AUROC of each score column (NaN for a score not
// computed) and the extra columns.
func (t *table) row(c int, scores map[string][]float64, anomalous []bool, extra ...string) {
	row := fmt.Sprintf("| %d %s |", c, classNames[c])
	for i, col := range t.cols {
		a := math.NaN()
		if scores[col.key] != nil {
			a = auroc(scores[col.key], anomalous)
		}
		row += fmt.Sprintf(" %.4f |", a)
		t.means[i] += a / float64(t.classes)
	}
	for _, e := range extra {
		row += " " + e + " |"
	}
	fmt.Println(row)
}

// mean prints the mean of each score column over the classes.
func (t *table) mean() {
	row := fmt.Sprintf("| mean of %d classes |", t.classes)
	for _, v := range t.means {
		row += fmt.Sprintf(" %.4f |", v)
	}
	fmt.Println(row + strings.Repeat(" |", t.extra))
}

// writeScores writes one row per test image: index, label and each score
// of cols (empty when not computed).
func writeScores(path string, labels []int, cols []string, scores map[string][]float64) error {
	return checkpoint.WriteAtomic(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(append([]string{"index", "label"}, cols...)); err != nil {
			return err
		}
		for i, l := range labels {
			row := []string{strconv.Itoa(i), strconv.Itoa(l)}
			for _, c := range cols {
				v := ""
				if scores[c] != nil {
					v = strconv.FormatFloat(scores[c][i], 'g', -1, 64)
				}
				row = append(row, v)
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// runRecon is the table of the reconstruction and ELBO scores
// (docs/anomaly.md, "Results"), -table recon.
func runRecon(s settings) error {
	var sigmas []float64
	for _, f := range strings.Split(s.sigmas, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v > 0) {
			return fmt.Errorf("-sigmas: %q is not a positive number", f)
		}
		sigmas = append(sigmas, v)
	}
	test, testLabels, err := data.LoadFashionMNIST(s.dir, "test")
	if err != nil {
		return err
	}
	train, trainLabels, err := data.LoadFashionMNIST(s.dir, "train")
	if err != nil {
		return err
	}
	eval, evalLabels := rows(test, seq(0, s.n)), testLabels[:s.n]
	fmt.Printf("## One-class anomaly detection: AUROC on Fashion-MNIST test images [0, %d)\n\n", s.n)
	fmt.Printf("Reconstruction: σ ∈ {%s}, %d draws each, one-shot denoise. ELBO: %d stratified terms, bits/dim.\n", s.sigmas, s.seeds, s.terms)
	fmt.Printf("Models and baselines fitted on the first %d training images of the class; thresholds = %g-quantile of the scores of the next %d.\n",
		s.fit, s.q, s.val)
	fmt.Printf("TPR/FPR: flagged anomalous / flagged normal test images at that threshold.\n\n")
	// The scores with a threshold each, in the order of their TPR/FPR columns.
	thresholded := []struct {
		key, head string
		pick      func(anomaly.Thresholds) float64
	}{
		{"recon", "recon", func(th anomaly.Thresholds) float64 { return th.Recon }},
		{"elbo", "ELBO", func(th anomaly.Thresholds) float64 { return th.ELBO }},
	}
	var extra []string
	for _, d := range thresholded {
		extra = append(extra, d.head+" TPR/FPR")
	}
	t := newTable(reconColumns, len(s.classes), append(extra, "seconds")...)
	for _, c := range s.classes {
		t0 := time.Now()
		var idx []int
		for i, l := range trainLabels {
			if l == c {
				idx = append(idx, i)
			}
		}
		if len(idx) < s.fit+s.val {
			return fmt.Errorf("class %d: %d training images, want %d + %d", c, len(idx), s.fit, s.val)
		}
		fit, valid := rows(train, idx[:s.fit]), rows(train, idx[s.fit:s.fit+s.val])
		anomalous := make([]bool, s.n)
		for i, l := range evalLabels {
			anomalous[i] = l != c
		}
		ckpt, err := newest(filepath.Join(s.runs, fmt.Sprintf("class-%d", c)))
		if err != nil {
			return err
		}
		p, err := pipeline.Load(ckpt, true)
		if err != nil {
			return err
		}
		det := &anomaly.Detector{Pipeline: p, Class: -1, ELBOTerms: s.terms, ELBOSeed: 1,
			Recon: restore.ReconOptions{Sigmas: sigmas, Seeds: s.seeds, Seed: 1, Denoise: restore.DenoiseOptions{OneShot: true}}}
		ctx := context.Background()
		scores, err := det.Score(ctx, eval)
		if err != nil {
			return fmt.Errorf("class %d: %w", c, err)
		}
		vs, err := det.Score(ctx, valid)
		if err != nil {
			return fmt.Errorf("class %d: validation: %w", c, err)
		}
		th, err := anomaly.PickThresholds(vs, s.q)
		if err != nil {
			return err
		}
		names := make([]string, s.n)
		for i := range names {
			names[i] = fmt.Sprintf("test/%d", i)
		}
		if err := anomaly.WriteCSV(filepath.Join(s.runs, fmt.Sprintf("scores-class-%d.csv", c)), names, evalLabels, scores, th); err != nil {
			return err
		}
		byKey := map[string][]float64{"recon": scores.Recon, "elbo": scores.ELBO}
		if err := addBaselines(byKey, fit, eval); err != nil {
			return err
		}
		var cells []string
		for _, d := range thresholded {
			cells = append(cells, rates(byKey[d.key], d.pick(th), anomalous))
		}
		t.row(c, byKey, anomalous, append(cells, fmt.Sprintf("%.0f", time.Since(t0).Seconds()))...)
	}
	t.mean()
	return nil
}

// rates returns "TPR/FPR" of the rule score > t.
func rates(scores []float64, t float64, anomalous []bool) string {
	var tp, fp, pos, neg float64
	for i, s := range scores {
		if anomalous[i] {
			pos++
			if s > t {
				tp++
			}
		} else {
			neg++
			if s > t {
				fp++
			}
		}
	}
	return fmt.Sprintf("%.2f/%.2f", tp/pos, fp/neg)
}

func auroc(scores []float64, anomalous []bool) float64 {
	a, err := metrics.AUROC(scores, anomalous)
	if err != nil {
		panic(err) // equal lengths and both kinds present by construction
	}
	return a
}

// newest returns the last ckpt-*.safetensors in dir.
func newest(dir string) (string, error) {
	list, err := checkpoint.List(dir)
	if err != nil || len(list) == 0 {
		return "", fmt.Errorf("%s: no checkpoint (run anomaly/internal/oneclass/train.sh first)", dir)
	}
	return list[len(list)-1], nil
}

func seq(lo, hi int) []int {
	idx := make([]int, hi-lo)
	for i := range idx {
		idx[i] = lo + i
	}
	return idx
}

// rows returns rows idx of x: (N, …).
func rows(x *tensor.Tensor, idx []int) *tensor.Tensor {
	per := x.Len() / x.Dim(0)
	out := tensor.New(append([]int{len(idx)}, x.Shape[1:]...)...)
	for k, i := range idx {
		copy(out.Data[k*per:(k+1)*per], x.Data[i*per:(i+1)*per])
	}
	return out
}

// addBaselines adds the raw-pixel baselines' scores of eval, fitted on
// fit, to scores under the keys of baselineColumns: PCA reconstruction
// error with 10 and 50 components, and the mean distance to the k = 1 and
// 5 nearest fit images.
func addBaselines(scores map[string][]float64, fit, eval *tensor.Tensor) error {
	for _, k := range []int{10, 50} {
		pca, err := baseline.FitPCA(fit, k)
		if err != nil {
			return err
		}
		if scores[fmt.Sprintf("pca_%d", k)], err = pca.ReconstructionError(eval); err != nil {
			return err
		}
	}
	// One neighbour search for both k: the same numbers as
	// baseline.KNNDistance with k = 1 and with k = 5.
	_, dist, err := baseline.KNearest(fit, eval, 5)
	if err != nil {
		return err
	}
	for _, k := range []int{1, 5} {
		d := make([]float64, len(dist))
		for i, ds := range dist {
			for _, v := range ds[:k] {
				d[i] += v / float64(k)
			}
		}
		scores[fmt.Sprintf("knn_%d", k)] = d
	}
	return nil
}
