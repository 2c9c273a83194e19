// Command makeweights trains the Fashion-MNIST feature network with
// classifier.DefaultFashionRecipe and writes its weights, the file that
// classifier.LoadFashionMNIST embeds. Run it with go generate in
// models/classifier; it takes a few minutes on two cores.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/diffusego/diffusego/models/classifier"
)

func main() {
	dir := flag.String("data", "/usr/share/datasets/fashion-mnist", "directory holding the Fashion-MNIST idx files")
	out := flag.String("out", "weights/fmnist.safetensors", "safetensors file to write")
	flag.Parse()
	r := classifier.DefaultFashionRecipe()
	r.Train.LogEvery = 200
	r.Train.Progress = func(step, epoch int, loss, ips float64) {
		log.Printf("step %d epoch %d loss %.4f %.0f images/s", step, epoch, loss, ips)
	}
	start := time.Now()
	_, acc, err := classifier.TrainFashionMNIST(context.Background(), *dir, *out, r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s: test accuracy %.4f after %v\n", *out, acc, time.Since(start).Round(time.Second))
}
