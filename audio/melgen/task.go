package melgen

import (
	"fmt"

	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/train"
)

// Objective returns the training loss of a mel model: the recipe of the
// shipped Fashion-MNIST image model on g's schedule and target, with
// min-SNR-5 weighting (Hang et al. 2023) and label dropout 0.1 (the null
// label is the class count) for classifier-free guidance.
func Objective(g *Generator) *train.Objective {
	m := g.Pipe.Model
	return &train.Objective{Schedule: g.Pipe.Schedule, Target: m.Target, Weighting: diffusion.MinSNR, Gamma: 5,
		LabelDropout: 0.1, NullLabel: m.UNet.Classes, Conditional: true}
}

// NewTrainer loads the training split of the spoken-digit data set in dir
// (the first limit clips when limit > 0), turns every clip into its
// log-mel image once (g.Codec), and returns a trainer of g's U-Net on
// those images and their digits (Objective) with batch size batch, and
// the number of clips.
func NewTrainer(g *Generator, dir string, limit, batch int, opts train.Options) (*train.Trainer, int, error) {
	x, labels, _, err := digits.Load(dir, digits.Train, limit)
	if err != nil {
		return nil, 0, err
	}
	images, err := g.Codec.Images(x)
	if err != nil {
		return nil, 0, err
	}
	batches, err := train.TensorBatches(images, labels, batch, opts.Seed)
	if err != nil {
		return nil, 0, fmt.Errorf("data %s: %w", dir, err)
	}
	tr, err := train.New(g.Pipe.Net, Objective(g), batches, opts)
	return tr, images.Dim(0), err
}
