package jobs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/models/shipped"
	"github.com/diffusego/diffusego/pipeline"
)

// LoadModel loads the checkpoint at path (a file, or a run folder for its
// newest ckpt-*.safetensors), or the Fashion-MNIST model shipped in the
// binary when path is empty, with the EMA weights unless raw. It returns
// the pipeline with the SHA-256 of the checkpoint file, which every output
// records.
func LoadModel(path string, raw bool) (*pipeline.Pipeline, string, error) {
	if path == "" {
		b := shipped.FashionMNIST()
		if len(b) == 0 {
			return nil, "", fmt.Errorf("this build has no shipped model: pass --checkpoint")
		}
		return LoadModelBytes(b, shipped.FashionMNISTName, raw)
	}
	path, err := NewestCheckpoint(path)
	if err != nil {
		return nil, "", err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("checkpoint: %w", err)
	}
	return LoadModelBytes(b, path, raw)
}

// ModelLine names the model LoadModel(path, …) loaded, with its SHA-256,
// for logs: "model: PATH (sha256 HASH)", or "the shipped model" for an
// empty path.
func ModelLine(path, hash string) string {
	if path == "" {
		path = "the shipped model"
	}
	return fmt.Sprintf("model: %s (sha256 %s)", path, hash)
}

// LoadModelBytes is LoadModel for a checkpoint already read (name is used
// in errors): what a worker does once with the file it was staged.
func LoadModelBytes(b []byte, name string, raw bool) (*pipeline.Pipeline, string, error) {
	p, err := pipeline.LoadBytes(b, name, !raw)
	if err != nil {
		return nil, "", err
	}
	return p, SHA256(b), nil
}

// SHA256 is the hex SHA-256 of b.
func SHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// NewestCheckpoint returns path itself when it is a file, else the newest
// ckpt-*.safetensors of the run folder path.
func NewestCheckpoint(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	if !st.IsDir() {
		return path, nil
	}
	list, err := checkpoint.List(path)
	if err != nil {
		return "", err
	}
	if len(list) == 0 {
		return "", fmt.Errorf("checkpoint: no ckpt-*.safetensors in %s", path)
	}
	return list[len(list)-1], nil
}

// WeightsName is "raw" or "ema", as outputs record the weights used.
func WeightsName(raw bool) string {
	if raw {
		return "raw"
	}
	return "ema"
}
