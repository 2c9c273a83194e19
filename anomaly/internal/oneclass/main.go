// Command oneclass measures diffusion anomaly scores in the one-class
// protocol on Fashion-MNIST (docs/anomaly.md): for each class c, a model
// trained on the first fit training images of c (train.sh) scores test
// images [0, n); normal = class c, anomalous = the other nine. It reports
// the AUROC of the reconstruction score and of the ELBO (bits/dim), and
// of PCA reconstruction error and raw-pixel k-NN distance fitted on the
// same training images; the thresholds are the q-quantiles of the scores
// of training images [fit, fit+val) of c, which no model or baseline saw.
// Run from the repository root after train.sh:
//
//	go run ./anomaly/internal/oneclass -runs out/oneclass > out/oneclass/table.md
//
// Noise and ELBO steps are seeded: the numbers repeat bit for bit on one machine.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/diffusego/diffusego/anomaly"
	"github.com/diffusego/diffusego/baseline"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/metrics"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
)

var classNames = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

type settings struct {
	dir, runs, sigmas  string
	n, fit, val, seeds int
	terms              int
	q                  float64
	classes            []int
}

func main() {
	var s settings
	flag.StringVar(&s.dir, "data", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST directory")
	flag.StringVar(&s.runs, "runs", "out/oneclass", "folder with one run folder class-C per class (train.sh)")
	flag.IntVar(&s.n, "n", 1000, "evaluation images: test set [0, n)")
	flag.IntVar(&s.fit, "fit", 5800, "training images of the class the models and baselines were fitted on")
	flag.IntVar(&s.val, "val", 100, "validation images of the class after those, for the thresholds")
	flag.StringVar(&s.sigmas, "sigmas", "0.3,0.7", "reconstruction noise levels")
	flag.IntVar(&s.seeds, "seeds", 2, "noise draws per level")
	flag.IntVar(&s.terms, "terms", 6, "ELBO diffusion terms (stratified); 0 = all")
	flag.Float64Var(&s.q, "q", 0.95, "threshold quantile of the validation scores")
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
	if err := run(s); err != nil {
		fmt.Fprintln(os.Stderr, "oneclass:", err)
		os.Exit(1)
	}
}

func run(s settings) error {
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
	fmt.Println("| class | recon | ELBO | PCA k=10 | PCA k=50 | kNN k=1 | kNN k=5 | recon TPR/FPR | ELBO TPR/FPR | seconds |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|")
	sums := make([]float64, 6)
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
		aucs := []float64{auroc(scores.Recon, anomalous), auroc(scores.ELBO, anomalous)}
		for _, k := range []int{10, 50} {
			pca, err := baseline.FitPCA(fit, k)
			if err != nil {
				return err
			}
			e, err := pca.ReconstructionError(eval)
			if err != nil {
				return err
			}
			aucs = append(aucs, auroc(e, anomalous))
		}
		for _, k := range []int{1, 5} {
			d, err := baseline.KNNDistance(fit, eval, k)
			if err != nil {
				return err
			}
			aucs = append(aucs, auroc(d, anomalous))
		}
		row := fmt.Sprintf("| %d %s |", c, classNames[c])
		for i, a := range aucs {
			row += fmt.Sprintf(" %.4f |", a)
			sums[i] += a / float64(len(s.classes))
		}
		fmt.Printf("%s %s | %s | %.0f |\n", row, rates(scores.Recon, th.Recon, anomalous), rates(scores.ELBO, th.ELBO, anomalous), time.Since(t0).Seconds())
	}
	fmt.Printf("| mean of %d classes |", len(s.classes))
	for _, v := range sums {
		fmt.Printf(" %.4f |", v)
	}
	fmt.Println(" | | |")
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
	list, err := filepath.Glob(filepath.Join(dir, "ckpt-*.safetensors"))
	if err != nil || len(list) == 0 {
		return "", fmt.Errorf("%s: no checkpoint (run anomaly/internal/oneclass/train.sh first)", dir)
	}
	slices.Sort(list)
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
