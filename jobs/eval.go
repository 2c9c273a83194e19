package jobs

import (
	"encoding/json"
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
)

// EvalReport is what diffuse eval writes as JSON. Every score comes with
// the sample count it was measured at and, for the distribution scores,
// the real-vs-real floor at the same count.
type EvalReport struct {
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

// sampleName matches the images diffuse sample writes: INDEX.png or
// INDEX_cCLASS.png. Other files (grid.png, trajectory.png) are skipped.
var sampleName = regexp.MustCompile(`^\d+(?:_c(\d+))?\.png$`)

// ReadSamples loads the sample images in dir (sorted by name; for a
// non-nil part only its share, Shard.Span) as (N, 1, 28, 28) in [−1, 1],
// with their names, the class each name asks for (nil if any lacks one)
// and the count in the whole folder.
func ReadSamples(dir string, part *Shard) (*tensor.Tensor, []string, []int, int, error) {
	names, err := SampleNames(dir)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	total := len(names)
	if part != nil {
		lo, hi := part.Span(total)
		names = names[lo:hi]
	}
	x := tensor.New(len(names), 1, 28, 28)
	labels := make([]int, len(names))
	for i, name := range names {
		path := filepath.Join(dir, name)
		if err := ReadPNG(path, 28, 1, x.Data[i*784:(i+1)*784]); err != nil {
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

// SampleNames lists the sample images in dir (named as diffuse sample
// names them), sorted; none is an error.
func SampleNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && sampleName.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("eval: %s: no sample images (want files named like 000000.png or 000000_c3.png)", dir)
	}
	slices.Sort(names)
	return names, nil
}

// CorrectClasses counts the images that the classifier puts in their label.
func CorrectClasses(clf *classifier.CNN, x *tensor.Tensor, labels []int) int {
	right := 0
	for i, p := range classifier.Predict(clf, x) {
		if p == labels[i] {
			right++
		}
	}
	return right
}

// ScoreFeatures is the report of the samples in folder from their
// classifier features fake: (N, 128), right of them in the class their
// name asks for (−1: names carry no class).
func ScoreFeatures(clf *classifier.CNN, folder string, fake *tensor.Tensor, right int, realDir string, seed uint64) (*EvalReport, error) {
	rep := &EvalReport{Folder: folder}
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

// PairScores adds PSNR and SSIM of each sample against the reference image
// of the same name.
func PairScores(rep *EvalReport, x *tensor.Tensor, names []string, refDir string) error {
	ref, refNames, _, _, err := ReadSamples(refDir, nil)
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

// PrintEval prints the report as diffuse eval does.
func PrintEval(w io.Writer, r *EvalReport) {
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

// EvalPartKey is the header entry of an eval part file: EvalPart as JSON.
const EvalPartKey = "diffusego.eval.part"

// EvalPart is what the features of one shard of a sample folder record
// beside them.
type EvalPart struct {
	Shard      int      `json:"shard"`
	Shards     int      `json:"shards"`
	First      int      `json:"first"` // position of the first image in the sorted folder
	Total      int      `json:"total"` // images in the whole folder
	Folder     string   `json:"folder"`
	Names      []string `json:"names"`
	Classifier string   `json:"classifier_sha256"` // the feature network
	Right      int      `json:"right"`             // images classified as their name asks; −1: no classes in the names
}

// EvalFeatures extracts the classifier features of the part's share of the
// samples in folder: the record and the features (n, 128). A shard with no
// image is a *RequestError.
func EvalFeatures(clf *classifier.CNN, samples string, part Shard) (*EvalPart, *tensor.Tensor, error) {
	x, names, labels, total, err := ReadSamples(samples, &part)
	if err != nil {
		return nil, nil, err
	}
	if len(names) == 0 {
		return nil, nil, requestf("--shards %d: %s gets none of the %d images; use at most %d shards", part.N, part, total, total)
	}
	fake := clf.Embed(x) // (n, 128)
	first, _ := part.Span(total)
	rec := &EvalPart{Shard: part.I, Shards: part.N, First: first, Total: total, Folder: samples, Names: names,
		Classifier: classifier.FashionSHA256(), Right: -1}
	if labels != nil {
		rec.Right = CorrectClasses(clf, x, labels)
	}
	return rec, fake, nil
}

// EncodeEvalPart writes an eval part as safetensors: the features, and the
// record as JSON in the header.
func EncodeEvalPart(w io.Writer, rec *EvalPart, feats *tensor.Tensor) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return checkpoint.Encode(w, map[string]*tensor.Tensor{"features": feats}, map[string]string{EvalPartKey: string(b)})
}

// DecodeEvalPart reads an eval part written by EncodeEvalPart; path names
// it in errors.
func DecodeEvalPart(f *checkpoint.File, path string) (*EvalPart, *tensor.Tensor, error) {
	raw, ok := f.Meta[EvalPartKey]
	feats := f.Tensors["features"]
	if !ok || feats == nil || feats.Rank() != 2 {
		return nil, nil, fmt.Errorf("merge: %s: want header entry %q and a (N, D) tensor \"features\": not an eval part", path, EvalPartKey)
	}
	var p EvalPart
	if err := checkpoint.DecodeJSON([]byte(raw), path+": "+EvalPartKey, &p); err != nil {
		return nil, nil, err
	}
	if feats.Dim(0) != len(p.Names) {
		return nil, nil, fmt.Errorf("merge: %s: %d feature rows for %d names", path, feats.Dim(0), len(p.Names))
	}
	return &p, feats, nil
}

// EvalPartFile is one eval part with the name it is known by in errors.
type EvalPartFile struct {
	File     string
	Part     *EvalPart
	Features *tensor.Tensor // (n, D)
}

// MergeEval joins eval parts: their features, in folder order, are the
// features diffuse eval extracts from the whole folder, so the report
// computed from them (ScoreFeatures) has the same bits. Summed per-part
// moments would not do: the Fréchet distance's matrix square root turns
// covariance rounding of 1e-16 into changes of about 1e-8 of the distance.
// It returns the folder, the features (N, D) and the count of images in
// their asked class (−1: names carry no class).
func MergeEval(parts []EvalPartFile) (string, *tensor.Tensor, int, error) {
	byFile := map[string]EvalPartFile{}
	var recs []PartRecord
	for _, f := range parts {
		p := f.Part
		byFile[f.File] = f
		recs = append(recs, PartRecord{File: f.File, Shard: p.Shard, Shards: p.Shards, First: p.First, Count: len(p.Names), Size: p.Total, Checkpoint: p.Classifier})
	}
	recs, err := CheckParts(recs)
	if err != nil {
		return "", nil, 0, err
	}
	a := byFile[recs[0].File]
	d := a.Features.Dim(1)
	fake := tensor.New(a.Part.Total, d) // (N, D), in folder order
	right := 0
	for _, r := range recs {
		p, x := byFile[r.File].Part, byFile[r.File].Features
		if x.Dim(1) != d || (p.Right < 0) != (a.Part.Right < 0) {
			return "", nil, 0, fmt.Errorf("merge: %s: %d features, classes in names %v; %s: %d, %v", r.File, x.Dim(1), p.Right >= 0, recs[0].File, d, a.Part.Right >= 0)
		}
		copy(fake.Data[p.First*d:], x.Data)
		right += p.Right
	}
	if a.Part.Right < 0 {
		right = -1
	}
	return a.Part.Folder, fake, right, nil
}
