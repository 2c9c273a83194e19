package melgen

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/dsp"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
	"gonum.org/v1/gonum/mat"
)

// MetaKey is the checkpoint header entry that marks a mel model and holds
// its Spec as JSON.
const MetaKey = "audio.mel"

// Spec says how clips become images and back.
type Spec struct {
	Rate    int     `json:"rate"`     // sample rate, Hz
	Samples int     `json:"samples"`  // clip length
	FFT     int     `json:"fft"`      // STFT size of the analysis
	Hop     int     `json:"hop"`      // STFT hop of the analysis
	Bands   int     `json:"bands"`    // mel bands = image rows
	FMin    float64 `json:"fmin"`     // lowest mel frequency, Hz
	FMax    float64 `json:"fmax"`     // highest mel frequency, Hz
	RangeDB float64 `json:"range_db"` // dB below the clip's peak mapped to −1
	// GLIters is the number of Griffin–Lim iterations of Vocode.
	GLIters int `json:"gl_iters"`
	// GLUpsample runs Griffin–Lim at hop Hop/GLUpsample, the magnitudes
	// interpolated linearly in time between analysis frames (1: at Hop).
	GLUpsample int `json:"gl_upsample"`
}

// Default is the classifier's image (32×32) with 32 Griffin–Lim
// iterations at hop 128.
func Default() Spec {
	return Spec{Rate: 8000, Samples: 8000, FFT: 512, Hop: 256, Bands: 32, FMin: 0, FMax: 4000, RangeDB: 80,
		GLIters: 32, GLUpsample: 2}
}

// Frames is the number of STFT frames (image columns) of a clip.
func (s Spec) Frames() int { return s.Samples/s.Hop + 1 }

// Validate checks that s describes a square image and a usable vocoder.
func (s Spec) Validate() error {
	switch {
	case s.Rate <= 0 || s.Samples <= 0:
		return fmt.Errorf("melgen: spec: rate %d, samples %d: want both > 0", s.Rate, s.Samples)
	case s.FFT < 2 || s.Hop < 1 || s.Hop > s.FFT:
		return fmt.Errorf("melgen: spec: fft %d, hop %d: want fft ≥ 2 and 1 ≤ hop ≤ fft", s.FFT, s.Hop)
	case s.Bands != s.Frames():
		return fmt.Errorf("melgen: spec: %d bands × %d frames: the image must be square (bands = samples/hop + 1)", s.Bands, s.Frames())
	case !(s.RangeDB > 0):
		return fmt.Errorf("melgen: spec: range_db %g: want > 0", s.RangeDB)
	case s.GLIters < 1 || s.GLUpsample < 1 || s.Hop%s.GLUpsample != 0 || s.Hop/s.GLUpsample > s.FFT/2:
		return fmt.Errorf("melgen: spec: gl_iters %d, gl_upsample %d: want ≥ 1 iterations and an upsampling that divides hop %d to at most fft/2",
			s.GLIters, s.GLUpsample, s.Hop)
	}
	return nil
}

// Meta returns the header entry MetaKey holding s; s must have a JSON
// form (finite numbers), as every valid Spec has.
func (s Spec) Meta() (map[string]string, error) {
	return checkpoint.MetaJSON(MetaKey, s)
}

// ParseSpec reads the Spec of a checkpoint header (name is used in errors);
// ok is false when the header has no MetaKey (not a mel model).
func ParseSpec(meta map[string]string, name string) (s Spec, ok bool, err error) {
	if ok, err = checkpoint.ReadMetaJSON(meta, MetaKey, name, &s); err != nil {
		return Spec{}, true, err
	}
	return s, ok, nil
}

// Codec turns clips into images and images into clips for one Spec.
type Codec struct {
	Spec Spec
	mel  *dsp.Mel
	ft   *dsp.STFT // analysis
	gl   *dsp.STFT // Griffin–Lim
	pinv [][]float64
}

// NewCodec prepares the filterbank, its pseudo-inverse and the STFTs.
func NewCodec(s Spec) (*Codec, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	mel, err := dsp.NewMel(s.Bands, s.FFT, s.Rate, s.FMin, s.FMax)
	if err != nil {
		return nil, err
	}
	ft, err := dsp.NewSTFT(s.FFT, s.Hop)
	if err != nil {
		return nil, err
	}
	gl, err := dsp.NewSTFT(s.FFT, s.Hop/s.GLUpsample)
	if err != nil {
		return nil, err
	}
	pinv, err := pseudoInverse(mel.Weights)
	if err != nil {
		return nil, err
	}
	return &Codec{Spec: s, mel: mel, ft: ft, gl: gl, pinv: pinv}, nil
}

// pseudoInverse returns the Moore–Penrose pseudo-inverse (cols, rows) of
// w (rows, cols) by the SVD, singular values below 1e-10 of the largest
// treated as zero.
func pseudoInverse(w [][]float64) ([][]float64, error) {
	r, c := len(w), len(w[0])
	a := mat.NewDense(r, c, nil)
	for i, row := range w {
		a.SetRow(i, row)
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		return nil, fmt.Errorf("melgen: the SVD of the %d×%d filterbank failed", r, c)
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	sv := svd.Values(nil)
	out := make([][]float64, c)
	for k := range c {
		out[k] = make([]float64, r)
		for b := range r {
			s := 0.0
			for j, x := range sv {
				if x > 1e-10*sv[0] {
					s += v.At(k, j) * u.At(b, j) / x
				}
			}
			out[k][b] = s
		}
	}
	return out, nil
}

// Images maps clips x: (N, 1, Samples) to images (N, 1, Bands, Frames) in
// [−1, 1]; a silent clip gives an all −1 image.
func (c *Codec) Images(x *tensor.Tensor) (*tensor.Tensor, error) {
	s := c.Spec
	if x.Rank() != 3 || x.Dim(1) != 1 || x.Dim(2) != s.Samples {
		return nil, fmt.Errorf("melgen: clips %s: want (N, 1, %d)", tensor.FormatShape(x.Shape), s.Samples)
	}
	n, F := x.Dim(0), s.Frames()
	out := tensor.New(n, 1, s.Bands, F)
	sig := make([]float64, s.Samples)
	floor := math.Pow(10, -s.RangeDB/10)
	for i := range n {
		for j, v := range x.Data[i*s.Samples : (i+1)*s.Samples] {
			sig[j] = float64(v)
		}
		m := c.mel.Apply(dsp.Power(c.ft.Forward(sig))) // (frames, bands)
		peak := 0.0
		for _, row := range m {
			for _, v := range row {
				peak = max(peak, v)
			}
		}
		img := out.Data[i*s.Bands*F : (i+1)*s.Bands*F]
		for t, row := range m {
			for b, v := range row {
				db := -s.RangeDB
				if peak > 0 {
					db = 10 * math.Log10(max(v/peak, floor))
				}
				img[b*F+t] = float32(1 + 2*db/s.RangeDB)
			}
		}
	}
	return out, nil
}

// Vocode maps images (N, 1, Bands, Frames) back to clips (N, 1, Samples)
// scaled to a peak of 0.9 (the images carry no level): image i's
// Griffin–Lim phases are drawn from rng.Split(i), so a clip depends only on
// its image and (rng, i).
func (c *Codec) Vocode(img *tensor.Tensor, rng *tensor.RNG) (*tensor.Tensor, error) {
	s := c.Spec
	F := s.Frames()
	if img.Rank() != 4 || img.Dim(1) != 1 || img.Dim(2) != s.Bands || img.Dim(3) != F {
		return nil, fmt.Errorf("melgen: images %s: want (N, 1, %d, %d)", tensor.FormatShape(img.Shape), s.Bands, F)
	}
	n := img.Dim(0)
	out := tensor.New(n, 1, s.Samples)
	bins := s.FFT/2 + 1
	for i := range n {
		im := img.Data[i*s.Bands*F : (i+1)*s.Bands*F]
		// Linear magnitude at the analysis frames.
		mag := make([][]float64, F)
		melp := make([]float64, s.Bands)
		for t := range F {
			for b := range s.Bands {
				v := max(-1, min(1, float64(im[b*F+t])))
				melp[b] = 0
				if v > -1 {
					melp[b] = math.Pow(10, (v-1)/2*s.RangeDB/10)
				}
			}
			mag[t] = make([]float64, bins)
			for k, row := range c.pinv {
				p := 0.0
				for b, w := range row {
					p += w * melp[b]
				}
				mag[t][k] = math.Sqrt(max(0, p))
			}
		}
		fine := upsample(mag, c.gl.Frames(s.Samples), s.GLUpsample)
		y, _, err := dsp.GriffinLim(c.gl, fine, s.Samples, s.GLIters, rng.Split(uint64(i)))
		if err != nil {
			return nil, err
		}
		g := audio.PeakScale(y, 0.9)
		for j, v := range y {
			out.Data[i*s.Samples+j] = float32(g * v)
		}
	}
	return out, nil
}

// upsample returns frames magnitude frames, frame j at analysis time j/up,
// interpolated linearly between mag's frames (held at the last).
func upsample(mag [][]float64, frames, up int) [][]float64 {
	if up == 1 && frames == len(mag) {
		return mag
	}
	out := make([][]float64, frames)
	for j := range out {
		pos := float64(j) / float64(up)
		t0 := min(int(pos), len(mag)-1)
		t1 := min(t0+1, len(mag)-1)
		f := pos - float64(t0)
		row := make([]float64, len(mag[t0]))
		for k := range row {
			row[k] = (1-f)*mag[t0][k] + f*mag[t1][k]
		}
		out[j] = row
	}
	return out
}
