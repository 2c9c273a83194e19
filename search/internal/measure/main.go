// Command measure scores similarity search on Fashion-MNIST: precision@10
// by class label for the shipped diffusion model's encoder features
// against raw-pixel nearest neighbours (and the shipped classifier's
// features, for reference). Run from the repository root:
//
//	go run ./search/internal/measure -part validate   # choose T, layers and grid on train images
//	go run ./search/internal/measure -part test       # the table, on the 10,000 test images
//	go run ./search/internal/measure -part query -image 0 -out q.png   # a training image as a query PNG
//	go run ./search/internal/measure -part test -checkpoint models/shipped/fashion-mnist-2026-11-24.safetensors
//
// -checkpoint picks the model (a checkpoint file, or a run folder for its
// newest checkpoint; EMA weights); the default is the shipped model.
// Validation uses the last -val training images, each searched among the
// others (leave-one-out); the test part searches every test image among
// the other 9,999. Everything is deterministic: the numbers repeat bit for
// bit on one machine.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
)

// k is the cut-off of precision@k.
const k = 10

func main() {
	dir := flag.String("data", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST directory")
	part := flag.String("part", "test", "validate or test")
	ckpt := flag.String("checkpoint", "", "checkpoint file or run folder (default: the shipped Fashion-MNIST model)")
	val := flag.Int("val", 5000, "validation images: the last VAL of the training set")
	n := flag.Int("n", 10000, "test queries: test images [0, n), each against the other 9,999")
	ts := flag.String("ts", "0,10,25,50,100,200,400", "validate: time steps to try")
	grids := flag.String("grids", "1,2,4", "validate: pooling grids to try")
	layerSets := flag.String("layersets", "mid,all", "validate: layer sets to try")
	def := search.DefaultOptions()
	t := flag.Int("t", def.T, "test: time step")
	layers := flag.String("layers", def.Layers, "test: mid or all")
	grid := flag.Int("grid", def.Grid, "test: pooling grid")
	image := flag.Int("image", 0, "query: training image to write")
	out := flag.String("out", "query.png", "query: PNG to write")
	flag.Parse()
	var err error
	switch *part {
	case "validate":
		err = validate(*dir, *ckpt, *val, *ts, *grids, strings.Split(*layerSets, ","))
	case "test":
		err = test(*dir, *ckpt, *n, search.Options{T: *t, Seed: def.Seed, Layers: *layers, Grid: *grid})
	case "query":
		err = writeQuery(*dir, *image, *out)
	default:
		err = fmt.Errorf("-part %q: want validate, test or query", *part)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
}

// writeQuery writes training image i as a 28×28 grey PNG, a query from
// outside the test set for the documentation's contact sheet.
func writeQuery(dir string, i int, path string) error {
	train, labels, err := data.LoadFashionMNIST(dir, "train")
	if err != nil {
		return err
	}
	if i < 0 || i >= train.Dim(0) {
		return fmt.Errorf("-image %d: want 0..%d", i, train.Dim(0)-1)
	}
	img, err := pngout.Grid(rowsOf(train, i, i+1), 1, 0)
	if err != nil {
		return err
	}
	fmt.Printf("training image %d (class %d) → %s\n", i, labels[i], path)
	return pngout.WriteFile(path, img, map[string]string{"source": fmt.Sprintf("fashion-mnist:train/%d", i)})
}

// loadPipeline loads the model with its EMA weights: the checkpoint file
// or run folder ckpt, or the shipped Fashion-MNIST model when ckpt is
// empty. It names the model and its SHA-256 on stderr, beside the timings.
func loadPipeline(ckpt string) (*pipeline.Pipeline, error) {
	p, hash, err := jobs.LoadModel(ckpt, false)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(os.Stderr, jobs.ModelLine(ckpt, hash))
	return p, nil
}

// validate prints leave-one-out precision@10 on the last val training
// images, with the model ckpt (empty: the shipped one), for every time step, layer set and grid.
func validate(dir, ckpt string, val int, tList, gridList string, layerSets []string) error {
	ts, err := ints(tList)
	if err != nil {
		return fmt.Errorf("-ts: %w", err)
	}
	grids, err := ints(gridList)
	if err != nil {
		return fmt.Errorf("-grids: %w", err)
	}
	train, labels, err := data.LoadFashionMNIST(dir, "train")
	if err != nil {
		return err
	}
	if val < k+1 || val > train.Dim(0) {
		return fmt.Errorf("-val %d: want %d..%d", val, k+1, train.Dim(0))
	}
	lo := train.Dim(0) - val
	x, y := rowsOf(train, lo, train.Dim(0)), labels[lo:]
	p, err := loadPipeline(ckpt)
	if err != nil {
		return err
	}
	fmt.Printf("validation: training images [%d, %d), leave-one-out precision@%d\n\n", lo, train.Dim(0), k)
	g, q := l2Embedding(x)
	rawPrec, _, err := precisionOf(g, q, y, val)
	if err != nil {
		return err
	}
	fmt.Printf("raw pixels, Euclidean: %.4f\n\n", rawPrec)
	fmt.Println("| t | layers | grid | dim | precision@10 |")
	fmt.Println("|---:|---|---:|---:|---:|")
	for _, t := range ts {
		start := time.Now()
		feats := map[string]*tensor.Tensor{}
		var keys []string
		for _, layers := range layerSets {
			for _, g := range grids {
				keys = append(keys, fmt.Sprintf("%s/%d", layers, g))
			}
		}
		e, err := search.NewEmbedder(p.Net, p.Schedule, search.Options{T: t, Seed: 1, Layers: search.LayersAll, Grid: 1})
		if err != nil {
			return err
		}
		// One encoder pass per batch serves every layer set and grid.
		per := x.Len() / x.Dim(0)
		for b0 := 0; b0 < val; b0 += 250 {
			b1 := min(b0+250, val)
			enc := e.Encode(tensor.FromData(x.Data[b0*per:b1*per], append([]int{b1 - b0}, x.Shape[1:]...)...))
			for _, key := range keys {
				layers, g := splitKey(key)
				f := search.Pool(search.Activations(enc, layers), g)
				if feats[key] == nil {
					feats[key] = tensor.New(val, f.Dim(1))
				}
				copy(feats[key].Data[b0*f.Dim(1):], f.Data)
			}
		}
		for _, key := range keys {
			layers, g := splitKey(key)
			prec, _, err := precision(feats[key], y)
			if err != nil {
				return err
			}
			fmt.Printf("| %d | %s | %d | %d | %.4f |\n", t, layers, g, feats[key].Dim(1), prec)
		}
		fmt.Fprintf(os.Stderr, "t %d: %.1fs\n", t, time.Since(start).Seconds())
	}
	return nil
}

func splitKey(key string) (string, int) {
	layers, g, _ := strings.Cut(key, "/")
	n, _ := strconv.Atoi(g)
	return layers, n
}

func ints(list string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(list, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", f)
		}
		out = append(out, v)
	}
	return out, nil
}

// rowsOf copies images [lo, hi) of x: (N, C, H, W).
func rowsOf(x *tensor.Tensor, lo, hi int) *tensor.Tensor {
	per := x.Len() / x.Dim(0)
	out := tensor.New(append([]int{hi - lo}, x.Shape[1:]...)...)
	copy(out.Data, x.Data[lo*per:hi*per])
	return out
}
