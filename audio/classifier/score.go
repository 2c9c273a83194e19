package classifier

import (
	"fmt"

	"github.com/diffusego/diffusego/metrics"
	"github.com/diffusego/diffusego/tensor"
)

// Scores compare a set of clips with real ones in the classifier's
// feature space, with the real-vs-real floor at the same count beside.
type Scores struct {
	N        int     `json:"n"`                  // clips scored
	Accuracy float64 `json:"accuracy,omitempty"` // fraction classified as their label (when labels are given)
	FD       float64 `json:"fd"`                 // Fréchet distance to the reference clips
	FloorFD  float64 `json:"fd_floor"`           // FD between two real sets of the same count
}

// Score returns the accuracy of clips x: (N, 1, 8000) against labels (nil
// skips it) and their Fréchet distance to ref, with the floor: the FD of
// floor (other real clips) to ref. ref and floor should hold as many clips
// as x, so that the floor shows the bias of FD at that count.
func (c *Classifier) Score(x *tensor.Tensor, labels []int, ref, floor *tensor.Tensor) (Scores, error) {
	s := Scores{N: x.Dim(0)}
	if labels != nil {
		acc, err := c.Accuracy(x, labels)
		if err != nil {
			return s, err
		}
		s.Accuracy = acc
	}
	fx, err := c.Embed(x)
	if err != nil {
		return s, err
	}
	fr, err := c.Embed(ref)
	if err != nil {
		return s, err
	}
	ff, err := c.Embed(floor)
	if err != nil {
		return s, err
	}
	if s.FD, err = metrics.FrechetDistance(fx, fr); err != nil {
		return s, fmt.Errorf("audio classifier: %w", err)
	}
	if s.FloorFD, err = metrics.FrechetDistance(ff, fr); err != nil {
		return s, fmt.Errorf("audio classifier: %w", err)
	}
	return s, nil
}
