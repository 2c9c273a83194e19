package train

import (
	"fmt"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tensor"
)

// Batches serves fixed-size minibatches of a data set as a function of the
// step number alone: step s is batch s mod B of epoch s div B, where
// B = ⌊N/Size⌋ (the last partial batch is dropped), each epoch visits the
// items in a permutation drawn from Seed and the epoch number, and
// augmentation (flips) draws from Seed and s. Because nothing else is
// kept, a resumed run sees exactly the batches an uninterrupted one would.
type Batches struct {
	Data data.Dataset // in memory or streamed from a folder
	Size int
	Seed uint64

	epoch int   // the epoch perm belongs to; −1 before the first
	perm  []int // item order of that epoch
}

// NewBatches checks the batch size against the data and returns a server.
func NewBatches(ds data.Dataset, size int, seed uint64) (*Batches, error) {
	n := ds.Len()
	if size < 1 || size > n {
		return nil, fmt.Errorf("batches: batch size %d: want between 1 and the %d items", size, n)
	}
	return &Batches{Data: ds, Size: size, Seed: seed, epoch: -1}, nil
}

// TensorBatches is NewBatches over images (N, …) in memory with their
// labels (nil when unlabelled).
func TensorBatches(images *tensor.Tensor, labels []int, size int, seed uint64) (*Batches, error) {
	ds, err := data.NewTensorDataset(images, labels)
	if err != nil {
		return nil, err
	}
	return NewBatches(ds, size, seed)
}

// PerEpoch returns the number of batches in one epoch.
func (b *Batches) PerEpoch() int { return b.Data.Len() / b.Size }

// Batch returns the images and labels of the given step, and its epoch.
func (b *Batches) Batch(step int) (x *tensor.Tensor, y []int, epoch int, err error) {
	epoch = step / b.PerEpoch()
	if epoch != b.epoch {
		b.perm = tensor.NewRNG(b.Seed).Split(uint64(epoch)).Perm(b.Data.Len())
		b.epoch = epoch
	}
	first := (step % b.PerEpoch()) * b.Size
	aug := tensor.NewRNG(b.Seed).Split(1 << 40).Split(uint64(step))
	x, y, err = b.Data.Batch(b.perm[first:first+b.Size], aug)
	return x, y, epoch, err
}
