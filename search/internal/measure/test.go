package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/models/classifier"
	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
)

// test prints leave-one-out precision@10 on the test set for the
// diffusion features with opts, raw pixels (Euclidean and cosine) and the
// classifier's features, overall and per class. The diffusion features
// come from the model ckpt (empty: the shipped one).
func test(dir, ckpt string, n int, opts search.Options) error {
	x, labels, err := data.LoadFashionMNIST(dir, "test")
	if err != nil {
		return err
	}
	if n < 1 || n > x.Dim(0) {
		return fmt.Errorf("-n %d: want 1..%d", n, x.Dim(0))
	}
	p, err := loadPipeline(ckpt)
	if err != nil {
		return err
	}
	e, err := search.NewEmbedder(p.Net, p.Schedule, opts)
	if err != nil {
		return err
	}
	start := time.Now()
	feats, err := e.Embed(x)
	if err != nil {
		return err
	}
	embedTime := time.Since(start)

	type row struct {
		name string
		prec float64
		per  []float64
	}
	var rows []row
	add := func(name string, g, q *tensor.Tensor) error {
		prec, per, err := precisionOf(g, q, labels, n)
		if err != nil {
			return err
		}
		rows = append(rows, row{name, prec, per})
		fmt.Fprintf(os.Stderr, "%s: %.4f\n", name, prec)
		return nil
	}
	start = time.Now()
	if err := add(fmt.Sprintf("diffusego encoder (t = %d, %s, grid %d, %d dims), cosine", opts.T, opts.Layers, opts.Grid, feats.Dim(1)), feats, feats); err != nil {
		return err
	}
	searchTime := time.Since(start)
	g, q := l2Embedding(x)
	if err := add("raw pixels, Euclidean", g, q); err != nil {
		return err
	}
	unit := x.Clone() // intensities in [0, 1]
	for i, v := range unit.Data {
		unit.Data[i] = (v + 1) / 2
	}
	raw := search.Normalize(unit)
	if err := add("raw pixels in [0, 1], cosine", raw, raw); err != nil {
		return err
	}
	cnn, err := classifier.LoadFashionMNIST()
	if err != nil {
		return err
	}
	cf := search.Normalize(cnn.Embed(x))
	if err := add(fmt.Sprintf("reference: the shipped classifier's features (%d dims, trained with labels), cosine", cf.Dim(1)), cf, cf); err != nil {
		return err
	}

	fmt.Printf("Fashion-MNIST test: each of test images [0, %d) searched among the other %d test images; precision@%d by class label\n\n",
		n, x.Dim(0)-1, k)
	fmt.Print("| features | precision@10 |")
	for c := range 10 {
		fmt.Printf(" %d |", c)
	}
	fmt.Print("\n|---|---:|" + strings.Repeat("---:|", 10) + "\n")
	for _, r := range rows {
		fmt.Printf("| %s | **%.3f** |", r.name, r.prec)
		for _, v := range r.per {
			fmt.Printf(" %.3f |", v)
		}
		fmt.Println()
	}
	fmt.Printf("\nembedding %d images: %.1fs (%.0f images/s); searching %d queries: %.2fs\n",
		x.Dim(0), embedTime.Seconds(), float64(x.Dim(0))/embedTime.Seconds(), n, searchTime.Seconds())
	return nil
}
