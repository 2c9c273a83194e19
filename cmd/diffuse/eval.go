package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/metrics"
	"github.com/diffusego/diffusego/models/classifier"
	"github.com/diffusego/diffusego/tensor"
	"github.com/spf13/cobra"
)

// evalReport is what `diffuse eval` writes as JSON. Every score comes
// with the sample count it was measured at and, for the distribution
// scores, the real-vs-real floor at the same count.
type evalReport struct {
	Folder string `json:"folder"` // the folder scored
	metrics.Report
	// ClassAccuracy is the fraction of samples that the shipped
	// Fashion-MNIST classifier puts in the class their file name asks
	// for (the _cK part); absent when names carry no class.
	ClassAccuracy *float64 `json:"class_accuracy,omitempty"`
	// RealClassAccuracy is the classifier's accuracy on as many real test
	// images: the ceiling of ClassAccuracy.
	RealClassAccuracy *float64 `json:"real_class_accuracy,omitempty"`
	// Paired scores against --reference, file by file.
	Reference string   `json:"reference,omitempty"`
	Pairs     int      `json:"pairs,omitempty"`
	PSNR      *float64 `json:"psnr,omitempty"` // dB, images in [−1, 1] (range 2)
	SSIM      *float64 `json:"ssim,omitempty"`
}

func newEvalCmd() *cobra.Command {
	var samples, reference, real, out string
	var seed uint64
	var sf shardFlags
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Score generated images: Fréchet distance, precision/recall, class accuracy, PSNR/SSIM",
		Long: `eval scores a folder of 28×28 grey PNG images (as diffuse sample writes).

Distribution scores compare them with the Fashion-MNIST test set in the
feature space of the classifier shipped with diffuse (models/classifier):
Fréchet distance, and k-NN precision and recall (Kynkäänniemi et al. 2019,
k = 3). The same scores between two disjoint halves of real data of the
same size (the real-vs-real floor) are printed beside them: no model can be
expected to beat the floor at that count. When file names carry the asked
class (INDEX_cK.png), the classifier's agreement with it is reported too.

With --reference DIR, images are also paired by file name with those in DIR
and scored with PSNR and SSIM (Wang et al. 2004, 11×11 Gaussian window).

The JSON report (--out) always states the sample count.

With --shard I --shards N (or JOB_COMPLETION_INDEX for I), a process only
extracts the features of images [I·n/N, (I+1)·n/N) of the folder (sorted by
name) and writes them to --out (a .safetensors part); diffuse merge joins the N parts and prints the report diffuse eval
prints for the whole folder.`,
		Example: `  diffuse eval --samples samples
  diffuse eval --samples samples --out report.json
  diffuse eval --samples denoised --reference clean
  diffuse eval --samples big --shard 2 --shards 8 --out eval-2.safetensors`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if samples == "" {
				return usagef("--samples: want a folder of PNG images")
			}
			part, sharded, err := sf.resolve(cmd)
			if err != nil {
				return err
			}
			if sharded {
				if out == "" || reference != "" {
					return usagef("--shards: want --out FILE for the part (and no --reference: score pairs unsharded)")
				}
				return writeEvalPart(cmd.OutOrStdout(), samples, out, part)
			}
			rep, err := runEval(samples, reference, real, seed)
			if err != nil {
				return err
			}
			printEval(cmd.OutOrStdout(), rep)
			if out != "" {
				return checkpoint.WriteJSON(out, rep)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&samples, "samples", "", "folder of generated PNG images")
	f.StringVar(&reference, "reference", "", "folder of reference images with the same file names, for PSNR and SSIM")
	f.StringVar(&real, "data", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST folder (the real test images)")
	f.StringVar(&out, "out", "", "write the report as JSON to this file")
	f.Uint64Var(&seed, "seed", 1, "seed of the real subsets drawn")
	sf.add(cmd)
	return cmd
}

// sampleName matches the images diffuse sample writes: INDEX.png or
// INDEX_cCLASS.png. Other files (grid.png, trajectory.png) are skipped.
var sampleName = regexp.MustCompile(`^\d+(?:_c(\d+))?\.png$`)

// readSampleFolder loads the sample images in dir (sorted by name) as (N,
// 1, 28, 28) in [−1, 1], with the class each name asks for (nil if any
// lacks one).
func readSampleFolder(dir string) (*tensor.Tensor, []string, []int, error) {
	x, names, labels, _, err := readSampleFolderPart(dir, nil)
	return x, names, labels, err
}

// readSampleFolderPart is readSampleFolder for the part's share of the
// images (all when part is nil); it also returns the whole count.
func readSampleFolderPart(dir string, part *shard) (*tensor.Tensor, []string, []int, int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, nil, 0, fmt.Errorf("eval: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && sampleName.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, nil, nil, 0, fmt.Errorf("eval: %s: no sample images (want files named like 000000.png or 000000_c3.png)", dir)
	}
	slices.Sort(names)
	total := len(names)
	if part != nil {
		lo, hi := part.span(total)
		names = names[lo:hi]
	}
	x := tensor.New(len(names), 1, 28, 28)
	labels := make([]int, len(names))
	for i, name := range names {
		path := filepath.Join(dir, name)
		if err := readPNG(path, 28, 1, x.Data[i*784:(i+1)*784]); err != nil {
			return nil, nil, nil, 0, err
		}
		m := sampleName.FindStringSubmatch(name)
		if m[1] == "" {
			labels = nil
		} else if labels != nil {
			labels[i], _ = strconv.Atoi(m[1])
		}
	}
	if len(names) == 0 {
		labels = nil
	}
	return x, names, labels, total, nil
}

func runEval(samples, reference, realDir string, seed uint64) (*evalReport, error) {
	x, names, labels, err := readSampleFolder(samples)
	if err != nil {
		return nil, err
	}
	clf, err := classifier.LoadFashionMNIST()
	if err != nil {
		return nil, err
	}
	fake := clf.Embed(x)
	right := -1
	if labels != nil {
		right = correctClasses(clf, x, labels)
	}
	rep, err := scoreFeatures(clf, samples, fake, right, realDir, seed)
	if err != nil {
		return nil, err
	}
	if reference != "" {
		if err := pairScores(rep, x, names, reference); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// correctClasses counts the images that the classifier puts in their label.
func correctClasses(clf *classifier.CNN, x *tensor.Tensor, labels []int) int {
	right := 0
	for i, p := range classifier.Predict(clf, x) {
		if p == labels[i] {
			right++
		}
	}
	return right
}

// scoreFeatures is the report of the samples in folder from their
// classifier features fake: (N, 128), right of them in the class their
// name asks for (−1: names carry no class).
func scoreFeatures(clf *classifier.CNN, folder string, fake *tensor.Tensor, right int, realDir string, seed uint64) (*evalReport, error) {
	rep := &evalReport{Folder: folder}
	real, realLabels, err := data.LoadFashionMNIST(realDir, "test")
	if err != nil {
		return nil, err
	}
	feats := clf.Embed(real)
	if rep.Report, err = metrics.Evaluate(feats, fake, metrics.Options{Seed: seed, Features: "fashion-mnist classifier (128-d)"}); err != nil {
		return nil, err
	}
	if right >= 0 {
		acc := float64(right) / float64(max(fake.Dim(0), 1))
		rep.ClassAccuracy = &acc
		n := min(fake.Dim(0), real.Dim(0))
		idx := tensor.NewRNG(seed).Perm(real.Dim(0))[:n]
		sub := metrics.Rows(real, idx)
		want := make([]int, n)
		for i, j := range idx {
			want[i] = realLabels[j]
		}
		racc := classifier.Accuracy(clf, sub, want)
		rep.RealClassAccuracy = &racc
	}
	return rep, nil
}

// pairScores adds PSNR and SSIM of each sample against the reference image
// of the same name.
func pairScores(rep *evalReport, x *tensor.Tensor, names []string, refDir string) error {
	ref, refNames, _, err := readSampleFolder(refDir)
	if err != nil {
		return err
	}
	for i, n := range names {
		if j, ok := slices.BinarySearch(refNames, n); !ok || refNames[j] != names[i] {
			return fmt.Errorf("eval: %s: no image %s to compare %s with", refDir, n, filepath.Join(rep.Folder, n))
		}
	}
	if len(refNames) != len(names) {
		return fmt.Errorf("eval: %s has %d images, %s has %d: want the same file names", refDir, len(refNames), rep.Folder, len(names))
	}
	psnr, err := metrics.PSNR(x, ref, 2)
	if err != nil {
		return err
	}
	ssim, err := metrics.SSIM(x, ref, 2)
	if err != nil {
		return err
	}
	rep.Reference, rep.Pairs, rep.PSNR, rep.SSIM = refDir, len(names), &psnr, &ssim
	return nil
}

func printEval(w io.Writer, r *evalReport) {
	fmt.Fprintf(w, "samples: %d images from %s, scored against %d real test images\n", r.Samples, r.Folder, r.RealSamples)
	fmt.Fprintf(w, "%-16s %10s %22s\n", "", "samples", "real-vs-real floor")
	fmt.Fprintf(w, "%-16s %10.3f %22.3f\n", "Fréchet distance", r.FD, r.FloorFD)
	fmt.Fprintf(w, "%-16s %10.3f %22.3f\n", "precision", r.Precision, r.FloorPrecision)
	fmt.Fprintf(w, "%-16s %10.3f %22.3f\n", "recall", r.Recall, r.FloorRecall)
	if r.ClassAccuracy != nil {
		fmt.Fprintf(w, "%-16s %10.3f %22.3f\n", "class accuracy", *r.ClassAccuracy, *r.RealClassAccuracy)
	}
	fmt.Fprintf(w, "(floor: two disjoint real subsets of %d images each)\n", r.FloorSamples)
	if r.PSNR != nil {
		fmt.Fprintf(w, "paired with %s: %d images, PSNR %.2f dB, SSIM %.4f\n", r.Reference, r.Pairs, *r.PSNR, *r.SSIM)
	}
}
