// Command makeemoji trains the emoji classifier that models/classifier
// embeds (weights/emoji.safetensors) on the training names' pictures of
// the emoji data set (make emoji), and reports its accuracy on the
// held-out names' pictures, which it never saw:
//
//	go run ./internal/makeemoji -data ../../out/emoji -out weights/emoji.safetensors
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/diffusego/diffusego/data/emoji"
	"github.com/diffusego/diffusego/internal/cputime"
	"github.com/diffusego/diffusego/models/classifier"
	"github.com/diffusego/diffusego/tensor"
)

func main() {
	dir := flag.String("data", "out/emoji", "emoji folder (make emoji)")
	out := flag.String("out", "weights/emoji.safetensors", "weights file to write")
	epochs := flag.Int("epochs", 24, "passes over the training pictures")
	batch := flag.Int("batch", 32, "pictures per step")
	lr := flag.Float64("lr", 2e-3, "peak Adam learning rate")
	seed := flag.Uint64("seed", 1, "model seed; shuffling uses seed+1")
	flag.Parse()
	if err := run(*dir, *out, *epochs, *batch, *lr, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "makeemoji:", err)
		os.Exit(1)
	}
}

func run(dir, out string, epochs, batch int, lr float64, seed uint64) error {
	set, err := emoji.Open(dir)
	if err != nil {
		return err
	}
	sp := set.Split(0.1, 1)
	load := func(idx []int) (*tensor.Tensor, []string, []string, error) {
		x, err := set.Batch(idx)
		var cats, subs []string
		for _, i := range idx {
			cats, subs = append(cats, set.Items[i].Category), append(subs, set.Items[i].Subcategory)
		}
		return x, cats, subs, err
	}
	trX, trC, trS, err := load(sp.Train)
	if err != nil {
		return err
	}
	teX, teC, teS, err := load(sp.Test)
	if err != nil {
		return err
	}
	cfg := classifier.DefaultEmojiConfig()
	cfg.Categories, cfg.Subcategories = len(set.Categories), len(set.Subcategories)
	m, err := classifier.NewEmoji(cfg, tensor.NewRNG(seed))
	if err != nil {
		return err
	}
	m.CategoryNames, m.SubcategoryNames = set.Categories, set.Subcategories
	ci, si, err := m.EmojiLabels(trC, trS)
	if err != nil {
		return err
	}
	start, cpu0 := time.Now(), cputime.Process()
	tc := classifier.EmojiTrainConfig{Epochs: epochs, Batch: batch, LR: lr, Seed: seed + 1, Shift: 4, Flip: true, Log: os.Stdout}
	if err := classifier.TrainEmoji(context.Background(), m, trX, ci, si, tc); err != nil {
		return err
	}
	wall, cpu := time.Since(start), cputime.Process()-cpu0
	acc := func(x *tensor.Tensor, cats, subs []string) (float64, float64, error) {
		wc, ws, err := m.EmojiLabels(cats, subs)
		if err != nil {
			return 0, 0, err
		}
		pc, ps, err := m.Predict(x)
		if err != nil {
			return 0, 0, err
		}
		var a, b int
		for i := range pc {
			if pc[i] == wc[i] {
				a++
			}
			if ps[i] == ws[i] {
				b++
			}
		}
		return float64(a) / float64(len(pc)), float64(b) / float64(len(pc)), nil
	}
	trCat, trSub, err := acc(trX, trC, trS)
	if err != nil {
		return err
	}
	teCat, teSub, err := acc(teX, teC, teS)
	if err != nil {
		return err
	}
	fmt.Printf("makeemoji: %d training pictures: category %.4f, subcategory %.4f; %d held-out pictures (unseen names): category %.4f, subcategory %.4f; %s wall, %.1f CPU-s (%s, %d cores)\n",
		len(sp.Train), trCat, trSub, len(sp.Test), teCat, teSub, wall.Round(time.Second), cpu.Seconds(), runtime.Version(), runtime.NumCPU())
	meta := map[string]string{
		"dataset":                   "emoji (make emoji): emoji-datasource-google and -twitter 16.0.0, split seed 1, 10% of names held out",
		"model_seed":                strconv.FormatUint(seed, 10),
		"shuffle_seed":              strconv.FormatUint(seed+1, 10),
		"epochs":                    strconv.Itoa(epochs),
		"batch":                     strconv.Itoa(batch),
		"lr":                        strconv.FormatFloat(lr, 'g', -1, 64),
		"augment":                   "shift ±4 px on white, left-right flip",
		"train_images":              strconv.Itoa(len(sp.Train)),
		"heldout_images":            strconv.Itoa(len(sp.Test)),
		"train_category_accuracy":   classifier.FormatAccuracy(trCat),
		"train_subcat_accuracy":     classifier.FormatAccuracy(trSub),
		"heldout_category_accuracy": classifier.FormatAccuracy(teCat),
		"heldout_subcat_accuracy":   classifier.FormatAccuracy(teSub),
	}
	return classifier.SaveEmoji(out, m, meta)
}
