package train

import (
	"fmt"

	"github.com/diffusego/diffusego/tensor"
)

// Batches serves fixed-size minibatches of an in-memory data set as a
// function of the step number alone: step s is batch s mod B of epoch
// s div B, where B = ⌊N/Size⌋ (the last partial batch is dropped) and
// each epoch visits the items in a permutation drawn from Seed and the
// epoch number. Because nothing else is kept, a resumed run sees exactly
// the batches an uninterrupted one would.
type Batches struct {
	Images *tensor.Tensor // (N, …)
	Labels []int          // (N), or nil when unlabelled
	Size   int
	Seed   uint64

	epoch int   // the epoch perm belongs to; −1 before the first
	perm  []int // item order of that epoch
}

// NewBatches checks the data and returns a batch server.
func NewBatches(images *tensor.Tensor, labels []int, size int, seed uint64) (*Batches, error) {
	if images.Rank() < 2 {
		return nil, fmt.Errorf("batches: images: want (N, …), got %s", tensor.FormatShape(images.Shape))
	}
	n := images.Dim(0)
	if labels != nil && len(labels) != n {
		return nil, fmt.Errorf("batches: %d labels for %d images", len(labels), n)
	}
	if size < 1 || size > n {
		return nil, fmt.Errorf("batches: batch size %d: want between 1 and the %d items", size, n)
	}
	return &Batches{Images: images, Labels: labels, Size: size, Seed: seed, epoch: -1}, nil
}

// PerEpoch returns the number of batches in one epoch.
func (b *Batches) PerEpoch() int { return b.Images.Dim(0) / b.Size }

// Batch returns the images and labels (nil when unlabelled) of the given
// step, and its epoch.
func (b *Batches) Batch(step int) (x *tensor.Tensor, y []int, epoch int) {
	epoch = step / b.PerEpoch()
	if epoch != b.epoch {
		b.perm = tensor.NewRNG(b.Seed).Split(uint64(epoch)).Perm(b.Images.Dim(0))
		b.epoch = epoch
	}
	per := b.Images.Len() / b.Images.Dim(0)
	shape := append([]int{b.Size}, b.Images.Shape[1:]...)
	x = tensor.New(shape...)
	if b.Labels != nil {
		y = make([]int, b.Size)
	}
	first := (step % b.PerEpoch()) * b.Size
	for i := range b.Size {
		j := b.perm[first+i]
		copy(x.Data[i*per:(i+1)*per], b.Images.Data[j*per:(j+1)*per])
		if y != nil {
			y[i] = b.Labels[j]
		}
	}
	return x, y, epoch
}
