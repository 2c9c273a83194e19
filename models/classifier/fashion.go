package classifier

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tensor"
)

//go:generate go run ./internal/makeweights -data /usr/share/datasets/fashion-mnist -out weights/fmnist.safetensors

// fashionWeights is the shipped Fashion-MNIST network; weights/README.md
// says how it was made.
//
//go:embed weights/fmnist.safetensors
var fashionWeights []byte

// FashionRecipe is how the shipped Fashion-MNIST feature network was
// trained: the model seed, and the training settings.
type FashionRecipe struct {
	ModelSeed uint64      // seed of New's initialisation
	Train     TrainConfig // epochs, batch, learning rate and shuffling seed
}

// DefaultFashionRecipe is the recipe behind weights/fmnist.safetensors:
// DefaultConfig, model seed 1, two epochs of Adam at 2e-3 in batches of 64,
// shuffling seed 2.
func DefaultFashionRecipe() FashionRecipe {
	return FashionRecipe{ModelSeed: 1, Train: TrainConfig{Epochs: 2, Batch: 64, LR: 2e-3, Seed: 2}}
}

// TrainFashionMNIST trains a DefaultConfig network by recipe on the
// Fashion-MNIST training split in dir, measures its accuracy on the test
// split, and saves the weights to path (atomically, as safetensors with the
// recipe and the accuracy in the metadata). It returns the network and its
// test accuracy.
func TrainFashionMNIST(ctx context.Context, dir, path string, recipe FashionRecipe) (*CNN, float64, error) {
	trainX, trainY, err := data.LoadFashionMNIST(dir, "train")
	if err != nil {
		return nil, 0, err
	}
	testX, testY, err := data.LoadFashionMNIST(dir, "test")
	if err != nil {
		return nil, 0, err
	}
	m := New(DefaultConfig(), tensor.NewRNG(recipe.ModelSeed))
	if err := Train(ctx, m, trainX, trainY, recipe.Train); err != nil {
		return nil, 0, err
	}
	acc := Accuracy(m, testX, testY)
	tc := recipe.Train.withDefaults()
	meta := map[string]string{
		"model":         "classifier.DefaultConfig",
		"dataset":       "fashion-mnist",
		"model_seed":    strconv.FormatUint(recipe.ModelSeed, 10),
		"shuffle_seed":  strconv.FormatUint(tc.Seed, 10),
		"epochs":        strconv.Itoa(tc.Epochs),
		"batch":         strconv.Itoa(tc.Batch),
		"lr":            strconv.FormatFloat(tc.LR, 'g', -1, 64),
		"test_accuracy": strconv.FormatFloat(acc, 'f', 4, 64),
	}
	if err := checkpoint.SaveParams(path, m.Params(), "", meta); err != nil {
		return nil, 0, err
	}
	return m, acc, nil
}

// LoadFile reads a network of configuration cfg from the safetensors file
// at path, as written by TrainFashionMNIST or checkpoint.SaveParams.
func LoadFile(path string, cfg Config) (*CNN, error) {
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return load(path, f, cfg)
}

// LoadFashionMNIST returns the shipped Fashion-MNIST network (DefaultConfig),
// embedded in the binary, so it works without any files. Its features are
// the space the image metrics measure Fashion-MNIST samples in; its test
// accuracy is in FashionMeta()["test_accuracy"].
func LoadFashionMNIST() (*CNN, error) {
	f, err := checkpoint.Decode(fashionWeights, "classifier/weights/fmnist.safetensors")
	if err != nil {
		return nil, err
	}
	return load("classifier/weights/fmnist.safetensors", f, DefaultConfig())
}

// FashionMeta returns the metadata stored with the shipped Fashion-MNIST
// weights: the recipe (model_seed, shuffle_seed, epochs, batch, lr) and
// test_accuracy on the 10,000 test images.
func FashionMeta() (map[string]string, error) {
	f, err := checkpoint.Decode(fashionWeights, "classifier/weights/fmnist.safetensors")
	if err != nil {
		return nil, err
	}
	return f.Meta, nil
}

func load(name string, f *checkpoint.File, cfg Config) (*CNN, error) {
	m := New(cfg, tensor.NewRNG(0))
	if err := checkpoint.LoadParams(name, m.Params(), f.Tensors, ""); err != nil {
		return nil, fmt.Errorf("classifier: %w", err)
	}
	return m, nil
}

// FashionSHA256 is the SHA-256 (hex) of the shipped Fashion-MNIST
// network's file, to record which feature network scored a set.
func FashionSHA256() string {
	sum := sha256.Sum256(fashionWeights)
	return hex.EncodeToString(sum[:])
}
