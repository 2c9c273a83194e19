package classifier

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/dsp"
	"github.com/diffusego/diffusego/checkpoint"
	cnn "github.com/diffusego/diffusego/models/classifier"
	"github.com/diffusego/diffusego/tensor"
)

// Feature sizes: a 512-point STFT with hop 256 over the 8,000 samples of a
// clip gives Frames = 32 frames; Bands = 32 mel bands.
const (
	FFT    = 512
	Hop    = 256
	Bands  = 32
	Frames = digits.Samples/Hop + 1
	// RangeDB is how far below the clip's loudest cell the image is clipped.
	RangeDB = 80
)

// Config is the network: 32×32 single-channel log-mel images, two
// convolutions of 16 and 32 channels, 128 features, 10 digits.
func Config() cnn.Config {
	return cnn.Config{InChannels: 1, Size: Bands, Channels: [2]int{16, 32}, Hidden: 128, Classes: 10}
}

// Classifier is a trained digit classifier.
type Classifier struct {
	Net *cnn.CNN
	mel *dsp.Mel
	ft  *dsp.STFT
}

func newClassifier(net *cnn.CNN) *Classifier {
	mel, _ := dsp.NewMel(Bands, FFT, digits.Rate, 0, digits.Rate/2) // constant sizes NewMel accepts
	ft, _ := dsp.NewSTFT(FFT, Hop)                                  // likewise
	return &Classifier{Net: net, mel: mel, ft: ft}
}

// New returns an untrained classifier with weights drawn from rng.
func New(rng *tensor.RNG) *Classifier { return newClassifier(cnn.New(Config(), rng)) }

//go:embed weights/digits.safetensors
var shipped []byte

// shippedName names the embedded weights in errors.
const shippedName = "audio/classifier/weights/digits.safetensors"

// Load returns the shipped classifier.
func Load() (*Classifier, error) {
	f, err := checkpoint.Decode(shipped, shippedName)
	if err != nil {
		return nil, err
	}
	return fromFile(shippedName, f)
}

// LoadFile reads a classifier written by Save.
func LoadFile(path string) (*Classifier, error) {
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return fromFile(path, f)
}

func fromFile(name string, f *checkpoint.File) (*Classifier, error) {
	c := New(tensor.NewRNG(0))
	if err := checkpoint.LoadParams(name, c.Net.Params(), f.Tensors, ""); err != nil {
		return nil, fmt.Errorf("audio classifier: %w", err)
	}
	return c, nil
}

// Meta returns the metadata of the shipped weights: the recipe and the
// accuracy on the held-out (test) voices.
func Meta() (map[string]string, error) {
	f, err := checkpoint.Decode(shipped, shippedName)
	if err != nil {
		return nil, err
	}
	return f.Meta, nil
}

// SHA256 is the hex SHA-256 of the shipped weights, to record which
// feature network scored a set.
func SHA256() string {
	sum := sha256.Sum256(shipped)
	return hex.EncodeToString(sum[:])
}

// Save writes the network's weights with meta to path (atomically).
func (c *Classifier) Save(path string, meta map[string]string) error {
	return checkpoint.SaveParams(path, c.Net.Params(), "", meta)
}

// Images maps clips x: (N, 1, 8000) to the network's input (N, 1, 32, 32):
// row b, column t is mel band b (low frequencies first) of frame t.
func (c *Classifier) Images(x *tensor.Tensor) (*tensor.Tensor, error) {
	if x.Rank() != 3 || x.Dim(1) != 1 || x.Dim(2) != digits.Samples {
		return nil, fmt.Errorf("audio classifier: clips %s: want (N, 1, %d)", tensor.FormatShape(x.Shape), digits.Samples)
	}
	n := x.Dim(0)
	out := tensor.New(n, 1, Bands, Frames)
	sig := make([]float64, digits.Samples)
	floor := math.Pow(10, -RangeDB/10)
	for i := range n {
		for j, v := range x.Data[i*digits.Samples : (i+1)*digits.Samples] {
			sig[j] = float64(v)
		}
		m := c.mel.Apply(dsp.Power(c.ft.Forward(sig))) // (frames, bands)
		peak := 0.0
		for _, row := range m {
			for _, v := range row {
				peak = max(peak, v)
			}
		}
		img := out.Data[i*Bands*Frames : (i+1)*Bands*Frames]
		if peak <= 0 {
			continue // digital silence: an all-zero image
		}
		for t, row := range m {
			for b, v := range row {
				db := 10 * math.Log10(max(v/peak, floor)) // in [−RangeDB, 0]
				img[b*Frames+t] = float32(1 + db/RangeDB)
			}
		}
	}
	return out, nil
}

// Predict returns the most likely digit of each clip in x: (N, 1, 8000).
func (c *Classifier) Predict(x *tensor.Tensor) (pred []int, err error) {
	defer tensor.Recover(&err)
	img, err := c.Images(x)
	if err != nil {
		return nil, err
	}
	return cnn.Predict(c.Net, img), nil
}

// Embed returns the features (N, 128) of clips x: (N, 1, 8000).
func (c *Classifier) Embed(x *tensor.Tensor) (f *tensor.Tensor, err error) {
	defer tensor.Recover(&err)
	img, err := c.Images(x)
	if err != nil {
		return nil, err
	}
	return c.Net.Embed(img), nil
}

// Accuracy returns the fraction of clips whose predicted digit is the label.
func (c *Classifier) Accuracy(x *tensor.Tensor, labels []int) (float64, error) {
	pred, err := c.Predict(x)
	if err != nil {
		return 0, err
	}
	if len(labels) != len(pred) {
		return 0, fmt.Errorf("audio classifier: %d labels for %d clips", len(labels), len(pred))
	}
	right := 0
	for i, p := range pred {
		if p == labels[i] {
			right++
		}
	}
	return float64(right) / float64(max(len(pred), 1)), nil
}

// Train fits c to clips x: (N, 1, 8000) with digit labels (Adam,
// cross-entropy; models/classifier.Train).
func (c *Classifier) Train(ctx context.Context, x *tensor.Tensor, labels []int, cfg cnn.TrainConfig) error {
	img, err := c.Images(x)
	if err != nil {
		return err
	}
	return cnn.Train(ctx, c.Net, img, labels, cfg)
}
