package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/diffusego/diffusego/models/shipped"
	"github.com/diffusego/diffusego/pipeline"
)

// loadShipped loads the Fashion-MNIST model built into the binary.
func loadShipped(raw bool) (*pipeline.Pipeline, string, error) {
	b := shipped.FashionMNIST()
	if len(b) == 0 {
		return nil, "", fmt.Errorf("this build has no shipped model: pass --checkpoint")
	}
	p, err := pipeline.LoadBytes(b, shipped.FashionMNISTName, !raw)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(b)
	return p, hex.EncodeToString(sum[:]), nil
}
