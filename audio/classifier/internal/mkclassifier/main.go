// Command mkclassifier trains the shipped spoken-digit classifier
// (audio/classifier/weights/digits.safetensors) on the training voices of
// the spoken-digit data set, each clip once clean and once with white
// noise at an SNR drawn from 5–30 dB (so that slightly noisy samples are
// still judged by their words), and records its accuracy on the held-out
// test voices in the file's metadata.
//
//	go run ./audio/classifier/internal/mkclassifier -data out/digits1
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/diffusego/diffusego/audio/classifier"
	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/noise"
	cnn "github.com/diffusego/diffusego/models/classifier"
	"github.com/diffusego/diffusego/tensor"
)

func main() {
	dir := flag.String("data", "out/digits1", "spoken-digit data set (make digits)")
	out := flag.String("out", "audio/classifier/weights/digits.safetensors", "weights file to write")
	epochs := flag.Int("epochs", 8, "passes over the training clips")
	seed := flag.Uint64("seed", 1, "weights, shuffling and noise seed")
	flag.Parse()
	if err := run(*dir, *out, *epochs, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "mkclassifier:", err)
		os.Exit(1)
	}
}

func run(dir, out string, epochs int, seed uint64) error {
	x, y, _, err := digits.Load(dir, digits.Train, 0)
	if err != nil {
		return err
	}
	n, L := x.Dim(0), digits.Samples
	aug := tensor.New(2*n, 1, L)
	labels := append(append([]int(nil), y...), y...)
	copy(aug.Data, x.Data)
	rng := tensor.NewRNG(seed).Split(7)
	clean := make([]float64, L)
	for i := range n {
		for j, v := range x.Data[i*L : (i+1)*L] {
			clean[j] = float64(v)
		}
		noisy, _, err := noise.Mix(clean, noise.White(L, rng), 5+25*rng.Uniform())
		if err != nil {
			return err
		}
		for j, v := range noisy {
			aug.Data[(n+i)*L+j] = float32(v)
		}
	}
	c := classifier.New(tensor.NewRNG(seed))
	cfg := cnn.TrainConfig{Epochs: epochs, Batch: 64, LR: 1e-3, Seed: seed, LogEvery: 100,
		Progress: func(step, epoch int, loss, ips float64) {
			fmt.Printf("step %d epoch %d loss %.4f %.0f clips/s\n", step, epoch, loss, ips)
		}}
	if err := c.Train(context.Background(), aug, labels, cfg); err != nil {
		return err
	}
	xt, yt, _, err := digits.Load(dir, digits.Test, 0)
	if err != nil {
		return err
	}
	acc, err := c.Accuracy(xt, yt)
	if err != nil {
		return err
	}
	fmt.Printf("test accuracy %.4f on %d clips of held-out voices\n", acc, len(yt))
	meta := map[string]string{
		"data": dir, "train_clips": strconv.Itoa(n), "noisy_copies": "white, SNR uniform in [5, 30] dB",
		"epochs": strconv.Itoa(epochs), "batch": "64", "lr": "0.001", "seed": strconv.FormatUint(seed, 10),
		"test_accuracy": strconv.FormatFloat(acc, 'f', 4, 64), "test_clips": strconv.Itoa(len(yt)),
	}
	return c.Save(out, meta)
}
