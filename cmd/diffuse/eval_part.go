package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/models/classifier"
	"github.com/diffusego/diffusego/tensor"
	"github.com/spf13/cobra"
)

// evalPartKey is the header entry of an eval part file: evalPart as JSON.
const evalPartKey = "diffusego.eval.part"

// evalPart is what a sharded diffuse eval run records beside the features
// of its images.
type evalPart struct {
	Shard      int      `json:"shard"`
	Shards     int      `json:"shards"`
	First      int      `json:"first"` // position of the first image in the sorted folder
	Total      int      `json:"total"` // images in the whole folder
	Folder     string   `json:"folder"`
	Names      []string `json:"names"`
	Classifier string   `json:"classifier_sha256"` // the feature network
	Right      int      `json:"right"`             // images classified as their name asks; −1: no classes in the names
}

// writeEvalPart extracts the classifier features of the part's share of
// the samples and writes them to out.
func writeEvalPart(log io.Writer, samples, out string, part shard) error {
	x, names, labels, total, err := readSampleFolderPart(samples, &part)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return usagef("--shards %d: %s gets none of the %d images; use at most %d shards", part.N, part, total, total)
	}
	clf, err := classifier.LoadFashionMNIST()
	if err != nil {
		return err
	}
	fake := clf.Embed(x) // (n, 128)
	first, _ := part.span(total)
	rec := evalPart{Shard: part.I, Shards: part.N, First: first, Total: total, Folder: samples, Names: names,
		Classifier: classifier.FashionSHA256(), Right: -1}
	if labels != nil {
		rec.Right = correctClasses(clf, x, labels)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := checkpoint.WriteSafetensors(out, map[string]*tensor.Tensor{"features": fake}, map[string]string{evalPartKey: string(b)}); err != nil {
		return err
	}
	fmt.Fprintf(log, "wrote the features of images %d..%d of %d (%s) to %s\n", first, first+len(names)-1, total, part, out)
	return nil
}

// readEvalPart reads a part written by writeEvalPart.
func readEvalPart(path string) (*evalPart, *tensor.Tensor, error) {
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("merge: %w", err)
	}
	raw, ok := f.Meta[evalPartKey]
	feats := f.Tensors["features"]
	if !ok || feats == nil || feats.Rank() != 2 {
		return nil, nil, fmt.Errorf("merge: %s: want header entry %q and a (N, D) tensor \"features\": not an eval part", path, evalPartKey)
	}
	var p evalPart
	if err := checkpoint.DecodeJSON([]byte(raw), path+": "+evalPartKey, &p); err != nil {
		return nil, nil, err
	}
	if feats.Dim(0) != len(p.Names) {
		return nil, nil, fmt.Errorf("merge: %s: %d feature rows for %d names", path, feats.Dim(0), len(p.Names))
	}
	return &p, feats, nil
}

// isEvalPart reports whether path is an eval part (else it is read as an
// index part).
func isEvalPart(path string) (bool, error) {
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		return false, fmt.Errorf("merge: %w", err)
	}
	_, ok := f.Meta[evalPartKey]
	return ok, nil
}

// mergeEval joins eval parts: their features, in folder order, are the
// features diffuse eval extracts from the whole folder, and the report is
// computed from them as diffuse eval computes it (the same bits). Summed
// per-part moments would not do: the Fréchet distance's matrix square
// root turns covariance rounding of 1e-16 into changes of about 1e-8 of
// the distance. merge prints the report and writes it as JSON to out.
func mergeEval(cmd *cobra.Command, out string, files []string, realDir string, seed uint64) error {
	parts := map[string]*evalPart{}
	feats := map[string]*tensor.Tensor{}
	var recs []partRecord
	for _, f := range files {
		p, x, err := readEvalPart(f)
		if err != nil {
			return err
		}
		parts[f], feats[f] = p, x
		recs = append(recs, partRecord{file: f, shard: p.Shard, shards: p.Shards, first: p.First, count: len(p.Names), size: p.Total, checkpoint: p.Classifier})
	}
	recs, err := checkParts(recs)
	if err != nil {
		return err
	}
	a := parts[recs[0].file]
	d := feats[recs[0].file].Dim(1)
	fake := tensor.New(a.Total, d) // (N, D), in folder order
	right := 0
	for _, r := range recs {
		p, x := parts[r.file], feats[r.file]
		if x.Dim(1) != d || (p.Right < 0) != (a.Right < 0) {
			return fmt.Errorf("merge: %s: %d features, classes in names %v; %s: %d, %v", r.file, x.Dim(1), p.Right >= 0, recs[0].file, d, a.Right >= 0)
		}
		copy(fake.Data[p.First*d:], x.Data)
		right += p.Right
	}
	if a.Right < 0 {
		right = -1
	}
	clf, err := classifier.LoadFashionMNIST()
	if err != nil {
		return err
	}
	rep, err := scoreFeatures(clf, a.Folder, fake, right, realDir, seed)
	if err != nil {
		return err
	}
	printEval(cmd.OutOrStdout(), rep)
	return checkpoint.WriteJSON(out, rep)
}
