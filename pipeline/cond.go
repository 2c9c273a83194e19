package pipeline

import (
	"fmt"

	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
)

// Tasks of an image-conditioned model (Cond.Task).
const (
	// TaskSuperRes is super-resolution: the condition is the image shrunk
	// by Factor (area averaging) and enlarged back with Upsample, computed
	// from each clean training image, as in SR3 (Saharia et al. 2021).
	TaskSuperRes = "superres"
	// TaskPaired is any image-to-image job learnt from pairs (input,
	// target) of the same size: colourisation, restoration, …
	TaskPaired = "paired"
)

// Cond describes the image condition of a conditional model: a
// (N, Channels, H, W) image of the output's size that is concatenated to
// the noisy image x_t along the channel axis before every network call,
// so the U-Net takes OutChannels + Channels channels in and predicts
// OutChannels.
//
// Training batches of a TaskPaired model carry the condition after the
// target's channels: (N, OutChannels + Channels, H, W); a TaskSuperRes
// model computes it from the clean images. Cond implements
// train.Conditioner.
type Cond struct {
	Task     string `json:"task"`               // TaskSuperRes or TaskPaired
	Factor   int    `json:"factor,omitempty"`   // super-resolution factor: 2 or 4
	Upsample string `json:"upsample,omitempty"` // how the low-resolution image is enlarged: nearest, bilinear or bicubic
	Channels int    `json:"channels"`           // channels of the condition image
	// Residual makes a super-resolution model learn the residual
	// x − cond (the detail the enlarged image lacks) instead of x, as
	// SRDiff does (Li et al. 2022): a small, zero-centred target that a
	// short run learns well. Translate adds cond back.
	Residual bool `json:"residual,omitempty"`
}

// Validate checks the condition against the U-Net's channels: in =
// out + Channels, and for super-resolution Channels = out and the image
// size a multiple of Factor.
func (c *Cond) Validate(in, out, size int) error {
	if c.Channels < 1 {
		return fmt.Errorf("cond: channels: want ≥ 1, got %d", c.Channels)
	}
	if in != out+c.Channels {
		return fmt.Errorf("cond: the U-Net takes %d channels in and %d out: want in = out + %d condition channels", in, out, c.Channels)
	}
	switch c.Task {
	case TaskSuperRes:
		if c.Factor != 2 && c.Factor != 4 {
			return fmt.Errorf("cond: factor: want 2 or 4, got %d", c.Factor)
		}
		if size%c.Factor != 0 {
			return fmt.Errorf("cond: image size %d is not a multiple of factor %d", size, c.Factor)
		}
		if c.Channels != out {
			return fmt.Errorf("cond: super-resolution: condition channels %d ≠ image channels %d", c.Channels, out)
		}
		switch c.Upsample {
		case "nearest", "bilinear", "bicubic":
		default:
			return fmt.Errorf("cond: upsample: want nearest, bilinear or bicubic, got %q", c.Upsample)
		}
	case TaskPaired:
		if c.Factor != 0 {
			return fmt.Errorf("cond: paired: factor %d: a paired model has no factor", c.Factor)
		}
		if c.Residual {
			return fmt.Errorf("cond: residual: only for %q models", TaskSuperRes)
		}
	default:
		return fmt.Errorf("cond: task: want %q or %q, got %q", TaskSuperRes, TaskPaired, c.Task)
	}
	return nil
}

// Split returns the clean images x0 of a training batch and their
// condition. A super-resolution batch is x0 itself: (N, C, H, W), and its
// condition is restore.SuperResPair's enlarged low-resolution image (and
// x0 is batch − cond when Residual); a paired batch (N, C + Channels, H, W)
// holds x0 then the condition.
func (c *Cond) Split(batch *tensor.Tensor) (x0, cond *tensor.Tensor, err error) {
	if c.Task == TaskSuperRes {
		if _, cond, err = restore.SuperResPair(batch, c.Factor, c.Upsample); err != nil {
			return nil, nil, err
		}
		if c.Residual {
			x0 = tensor.New(batch.Shape...)
			for i, v := range batch.Data {
				x0.Data[i] = v - cond.Data[i]
			}
			return x0, cond, nil
		}
		return batch, cond, nil
	}
	if batch.Rank() != 4 || batch.Dim(1) <= c.Channels {
		return nil, nil, fmt.Errorf("cond: paired batch: want (N, C + %d, H, W), got %s", c.Channels, tensor.FormatShape(batch.Shape))
	}
	n, ct, h, w := batch.Dim(0), batch.Dim(1), batch.Dim(2), batch.Dim(3)
	co := ct - c.Channels
	x0, cond = tensor.New(n, co, h, w), tensor.New(n, c.Channels, h, w)
	for i := range n {
		item := batch.Data[i*ct*h*w : (i+1)*ct*h*w]
		copy(x0.Data[i*co*h*w:(i+1)*co*h*w], item[:co*h*w])
		copy(cond.Data[i*c.Channels*h*w:(i+1)*c.Channels*h*w], item[co*h*w:])
	}
	return x0, cond, nil
}

// Join returns the network input: x_t: (N, C, H, W) and cond:
// (N, Channels, H, W) concatenated along channels.
func (c *Cond) Join(xt, cond *tensor.Tensor) (*tensor.Tensor, error) {
	return restore.ConcatChannels(xt, cond)
}

// FromLow returns the condition of a super-resolution model for
// low-resolution images low: (N, C, H/Factor, W/Factor), enlarged with
// Upsample to (N, C, H, W).
func (c *Cond) FromLow(low *tensor.Tensor) (*tensor.Tensor, error) {
	if c.Task != TaskSuperRes {
		return nil, fmt.Errorf("cond: the model's task is %q, not %q", c.Task, TaskSuperRes)
	}
	return restore.Upsample(low, c.Factor, c.Upsample)
}
