package data

import (
	"fmt"

	"github.com/diffusego/diffusego/tensor"
)

// Dataset is a sized collection of images with class labels that can be
// read in batches: *TensorDataset (in memory), *ImageDir (streamed from a
// folder) and *Subset (a split of either).
type Dataset interface {
	// Len returns the number of items.
	Len() int
	// Shape returns the shape of one item, e.g. (1, 28, 28).
	Shape() []int
	// Batch returns items idx as (len(idx), Shape…) and their labels.
	// rng drives augmentation, if the data set has any; nil means none.
	Batch(idx []int, rng *tensor.RNG) (*tensor.Tensor, []int, error)
}

// TensorDataset is a data set in memory: Images (N, …) and Labels (N
// class indices, or nil when unlabelled, which Batch returns as zeros).
type TensorDataset struct {
	Images *tensor.Tensor
	Labels []int
}

// NewTensorDataset checks that images is (N, …) with N ≥ 1 and that
// labels, when given, has N entries.
func NewTensorDataset(images *tensor.Tensor, labels []int) (*TensorDataset, error) {
	if images == nil || images.Rank() < 2 || images.Dim(0) < 1 {
		return nil, fmt.Errorf("data: tensor data set: want images (N, …) with N ≥ 1")
	}
	if labels != nil && len(labels) != images.Dim(0) {
		return nil, fmt.Errorf("data: tensor data set: %d labels for %d images", len(labels), images.Dim(0))
	}
	return &TensorDataset{Images: images, Labels: labels}, nil
}

// Len returns N.
func (d *TensorDataset) Len() int { return d.Images.Dim(0) }

// Shape returns the shape of one image.
func (d *TensorDataset) Shape() []int { return append([]int(nil), d.Images.Shape[1:]...) }

// Batch copies items idx; rng is unused.
func (d *TensorDataset) Batch(idx []int, _ *tensor.RNG) (*tensor.Tensor, []int, error) {
	n := d.Len()
	per := d.Images.Len() / n
	x := tensor.New(append([]int{len(idx)}, d.Images.Shape[1:]...)...)
	y := make([]int, len(idx))
	for i, j := range idx {
		if j < 0 || j >= n {
			return nil, nil, fmt.Errorf("data: tensor data set: index %d: want 0..%d", j, n-1)
		}
		copy(x.Data[i*per:(i+1)*per], d.Images.Data[j*per:(j+1)*per])
		if d.Labels != nil {
			y[i] = d.Labels[j]
		}
	}
	return x, y, nil
}

// Loader iterates over a Dataset in shuffled batches of BatchSize, epoch
// after epoch. Epoch e visits the items in the permutation drawn from
// tensor.NewRNG(Seed).Split(e), in whole batches (the last partial batch
// is dropped), and batch p of epoch e gets the augmentation stream
// tensor.NewRNG(Seed).Split(e).Split(p). Everything is a function of
// (Seed, epoch, position), so Seek(epoch, pos) resumes exactly.
type Loader struct {
	Data      Dataset
	BatchSize int
	Seed      uint64

	epoch, pos int   // the next batch to serve
	permEpoch  int   // the epoch perm belongs to; −1 before the first
	perm       []int // item order of permEpoch
}

// NewLoader checks the batch size against the data and returns a loader
// at epoch 0, position 0.
func NewLoader(d Dataset, batchSize int, seed uint64) (*Loader, error) {
	if d == nil || d.Len() < 1 {
		return nil, fmt.Errorf("data: loader: empty data set")
	}
	if batchSize < 1 || batchSize > d.Len() {
		return nil, fmt.Errorf("data: loader: batch size %d: want between 1 and the %d items", batchSize, d.Len())
	}
	return &Loader{Data: d, BatchSize: batchSize, Seed: seed, permEpoch: -1}, nil
}

// PerEpoch returns the number of batches in one epoch: ⌊Len/BatchSize⌋.
func (l *Loader) PerEpoch() int { return l.Data.Len() / l.BatchSize }

// Position returns the epoch and the position in it (batches served) of
// the next batch, for checkpoints.
func (l *Loader) Position() (epoch, pos int) { return l.epoch, l.pos }

// Seek moves to batch pos of epoch; the next Next serves it.
func (l *Loader) Seek(epoch, pos int) error {
	if epoch < 0 || pos < 0 || pos >= l.PerEpoch() {
		return fmt.Errorf("data: loader: seek to epoch %d, batch %d: want epoch ≥ 0 and batch in 0..%d", epoch, pos, l.PerEpoch()-1)
	}
	l.epoch, l.pos = epoch, pos
	return nil
}

// Next returns the next batch, its labels and where it was (epoch and
// position in the epoch), then advances, moving on to the next epoch
// after the last whole batch.
func (l *Loader) Next() (x *tensor.Tensor, y []int, epoch, pos int, err error) {
	epoch, pos = l.epoch, l.pos
	if l.permEpoch != epoch {
		l.perm = tensor.NewRNG(l.Seed).Split(uint64(epoch)).Perm(l.Data.Len())
		l.permEpoch = epoch
	}
	rng := tensor.NewRNG(l.Seed).Split(uint64(epoch)).Split(uint64(pos))
	x, y, err = l.Data.Batch(l.perm[pos*l.BatchSize:(pos+1)*l.BatchSize], rng)
	if err != nil {
		return nil, nil, epoch, pos, fmt.Errorf("data: loader: epoch %d, batch %d: %w", epoch, pos, err)
	}
	if l.pos++; l.pos == l.PerEpoch() {
		l.epoch, l.pos = l.epoch+1, 0
	}
	return x, y, epoch, pos, nil
}
