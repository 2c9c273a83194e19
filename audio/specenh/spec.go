package specenh

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/diffusego/diffusego/audio/dsp"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
)

// MetaKey is the checkpoint header entry that marks a spectrogram
// enhancement model and holds its Spec as JSON.
const MetaKey = "audio.specenh"

// Spec says how clips become images and back.
type Spec struct {
	Rate     int     `json:"rate"`     // sample rate, Hz
	Samples  int     `json:"samples"`  // clip (window) length
	FFT      int     `json:"fft"`      // STFT size; the image is FFT/4 on a side
	Hop      int     `json:"hop"`      // STFT hop
	Exponent float64 `json:"exponent"` // α of the amplitude compression |X|^α
	Beta     float64 `json:"beta"`     // β, the scale of the compressed magnitude
	// Peak is the level the model sees: each noisy clip is scaled so that
	// its largest magnitude is Peak, and the estimate is scaled back.
	Peak float64 `json:"peak"`
}

// Default is a 1-s clip at 8 kHz as a 2×64×64 image: 256-point STFT, hop
// 128, α = ½, β = 0.2, peak 0.9.
func Default() Spec {
	return Spec{Rate: 8000, Samples: 8000, FFT: 256, Hop: 128, Exponent: 0.5, Beta: 0.2, Peak: 0.9}
}

// MaxFFT bounds the STFT size a spec may ask for (an image of 2048×2048),
// so that a checkpoint header cannot make the codec allocate without limit.
const MaxFFT = 8192

// Size is the side of the image: FFT/4 (FFT/2 bins in two channels).
func (s Spec) Size() int { return s.FFT / 4 }

// Frames is the number of STFT frames of a clip: Samples/Hop + 1.
func (s Spec) Frames() int { return s.Samples/s.Hop + 1 }

// Validate checks that s describes an image the U-Net can take and an
// STFT with an exact inverse.
func (s Spec) Validate() error {
	switch {
	case s.Rate <= 0 || s.Samples <= 0:
		return fmt.Errorf("specenh: spec: rate %d, samples %d: want both > 0", s.Rate, s.Samples)
	case s.FFT < 8 || s.FFT%8 != 0 || s.FFT > MaxFFT:
		return fmt.Errorf("specenh: spec: fft %d: want a multiple of 8 up to %d", s.FFT, MaxFFT)
	case s.Hop < 1 || s.Hop > s.FFT/2:
		return fmt.Errorf("specenh: spec: hop %d: want 1 ≤ hop ≤ fft/2 = %d", s.Hop, s.FFT/2)
	case s.Frames() > s.Size():
		return fmt.Errorf("specenh: spec: %d frames of %d samples at hop %d do not fit the %d columns of the image (fft/4)",
			s.Frames(), s.Samples, s.Hop, s.Size())
	case !(s.Exponent > 0 && s.Exponent <= 1):
		return fmt.Errorf("specenh: spec: exponent %g: want 0 < α ≤ 1", s.Exponent)
	case !(s.Beta > 0) || math.IsInf(s.Beta, 0):
		return fmt.Errorf("specenh: spec: beta %g: want a finite β > 0", s.Beta)
	case !(s.Peak > 0 && s.Peak <= 1):
		return fmt.Errorf("specenh: spec: peak %g: want 0 < peak ≤ 1", s.Peak)
	}
	return nil
}

// Meta returns the header entry MetaKey holding s; s must have a JSON
// form (finite numbers), as every valid Spec has.
func (s Spec) Meta() (map[string]string, error) {
	return checkpoint.MetaJSON(MetaKey, s)
}

// ParseSpec reads the Spec of a checkpoint header (name is used in
// errors); ok is false when the header has no MetaKey (not a spectrogram
// enhancement model).
func ParseSpec(meta map[string]string, name string) (s Spec, ok bool, err error) {
	if ok, err = checkpoint.ReadMetaJSON(meta, MetaKey, name, &s); err != nil {
		return Spec{}, true, err
	}
	return s, ok, nil
}

// Codec turns clips into spectrogram images and images back into clips
// for one Spec.
type Codec struct {
	Spec Spec
	ft   *dsp.STFT
}

// NewCodec prepares the STFT of s.
func NewCodec(s Spec) (*Codec, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	ft, err := dsp.NewSTFT(s.FFT, s.Hop)
	if err != nil {
		return nil, err
	}
	return &Codec{Spec: s, ft: ft}, nil
}

// STFT returns the codec's transform.
func (c *Codec) STFT() *dsp.STFT { return c.ft }

// compress maps a magnitude to the image value 2·β·|X|^α − 1 in [−1, 1].
func (c *Codec) compress(mag float64) float32 {
	v := 2*c.Spec.Beta*math.Pow(mag, c.Spec.Exponent) - 1
	return float32(min(v, 1))
}

// expand inverts compress: |X| = ((v + 1)/(2β))^(1/α), 0 for v ≤ −1.
func (c *Codec) expand(v float32) float64 {
	u := (float64(v) + 1) / (2 * c.Spec.Beta)
	if !(u > 0) {
		return 0
	}
	return math.Pow(u, 1/c.Spec.Exponent)
}

// Image writes the image of one clip x (Samples long) into img
// (2·Size·Size values, channel-major): channel b mod 2, row b/2, column t
// holds bin b of frame t; the columns after the last frame are −1.
func (c *Codec) Image(x []float64, img []float32) {
	S := c.Spec.Size()
	for i := range img {
		img[i] = -1
	}
	for t, frame := range c.ft.Forward(x) {
		for b := range 2 * S {
			img[(b%2)*S*S+(b/2)*S+t] = c.compress(cmplx.Abs(frame[b]))
		}
	}
}

// Images maps clips x: (N, 1, Samples) to images (N, 2, Size, Size).
func (c *Codec) Images(x *tensor.Tensor) (*tensor.Tensor, error) {
	s := c.Spec
	if x.Rank() != 3 || x.Dim(1) != 1 || x.Dim(2) != s.Samples {
		return nil, fmt.Errorf("specenh: clips %s: want (N, 1, %d)", tensor.FormatShape(x.Shape), s.Samples)
	}
	n, S := x.Dim(0), s.Size()
	out := tensor.New(n, 2, S, S)
	sig := make([]float64, s.Samples)
	for i := range n {
		for j, v := range x.Data[i*s.Samples : (i+1)*s.Samples] {
			sig[j] = float64(v)
		}
		c.Image(sig, out.Data[i*2*S*S:(i+1)*2*S*S])
	}
	return out, nil
}

// Waveform returns the clip whose STFT has the magnitudes of img (one
// image, 2·Size·Size values) and the phases of phase's STFT (a clip of
// Samples): bins below FFT/2 take the image's magnitude; the Nyquist bin
// keeps phase's value scaled by the gain |Ŝ|/|Y| of the bin below it.
// With img = Image(x) and phase = x it returns x, up to the clipping of
// cells louder than v = 1.
func (c *Codec) Waveform(img []float32, phase []float64) ([]float64, error) {
	s, S := c.Spec, c.Spec.Size()
	if len(img) != 2*S*S || len(phase) != s.Samples {
		return nil, fmt.Errorf("specenh: waveform: image of %d values and %d phase samples: want %d and %d",
			len(img), len(phase), 2*S*S, s.Samples)
	}
	Y := c.ft.Forward(phase)
	K := 2 * S // the Nyquist bin
	for t, frame := range Y {
		gain := 0.0 // |Ŝ|/|Y| of bin K − 1, for the Nyquist bin
		if a := cmplx.Abs(frame[K-1]); a > 0 {
			gain = c.expand(img[((K-1)%2)*S*S+((K-1)/2)*S+t]) / a
		}
		for b := range K {
			mag := c.expand(img[(b%2)*S*S+(b/2)*S+t])
			if a := cmplx.Abs(frame[b]); a > 0 {
				frame[b] *= complex(mag/a, 0)
			} else {
				frame[b] = complex(mag, 0)
			}
		}
		frame[K] *= complex(gain, 0)
	}
	return c.ft.Inverse(Y, s.Samples), nil
}
