package specenh

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio/noise"
	"github.com/diffusego/diffusego/audio/quality"
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tensor"
)

// speechLike is a 1-s harmonic chirp (120 → 240 Hz fundamental, 12
// harmonics, 1/h amplitudes) between 0.2 s and 0.8 s, silent elsewhere.
func speechLike(rate, n int, seed float64) []float64 {
	x := make([]float64, n)
	phase := seed
	for i := rate / 5; i < 4*rate/5 && i < n; i++ {
		f0 := 120 + 120*float64(i)/float64(n)
		phase += 2 * math.Pi * f0 / float64(rate)
		for h := 1; h <= 12; h++ {
			if float64(h)*f0 < float64(rate)/2 {
				x[i] += 0.2 / float64(h) * math.Sin(float64(h)*phase)
			}
		}
	}
	return x
}

// The image of a clip and its own phase give the clip back: the only
// loss is float32 rounding of the image (and clipping, which this clip
// does not reach).
func TestImageWaveformRoundTrip(t *testing.T) {
	c, err := NewCodec(Default())
	if err != nil {
		t.Fatal(err)
	}
	s := c.Spec
	x := speechLike(s.Rate, s.Samples, 0)
	for i := range x {
		x[i] += 0.01 * math.Sin(float64(i*i%97)) // a little broadband content
	}
	x, _ = scaleToPeak(x, 0.3) // a harmonic chirp is more tonal than speech: at the full Peak its loudest cells clip
	img := make([]float32, 2*s.Size()*s.Size())
	c.Image(x, img)
	for _, v := range img {
		if v < -1 || v >= 1 {
			t.Fatalf("image value %g outside [−1, 1)", v)
		}
	}
	y, err := c.Waveform(img, x)
	if err != nil {
		t.Fatal(err)
	}
	sdr, err := quality.SISDR(y, x)
	if err != nil {
		t.Fatal(err)
	}
	if sdr < 100 {
		t.Errorf("round trip SI-SDR %.1f dB, want ≥ 100 (exact up to float32)", sdr)
	}
	if _, err := c.Waveform(img[1:], x); err == nil {
		t.Error("a short image was accepted")
	}
	if _, err := c.Waveform(img, x[1:]); err == nil {
		t.Error("a short phase clip was accepted")
	}
}

// A tone at the centre of bin k lands in channel k mod 2, row k/2, and
// the columns after the last frame are silence (−1).
func TestImageLayout(t *testing.T) {
	c, err := NewCodec(Default())
	if err != nil {
		t.Fatal(err)
	}
	s, S := c.Spec, c.Spec.Size()
	for _, k := range []int{10, 37} {
		x := make([]float64, s.Samples)
		for i := range x {
			x[i] = 0.5 * math.Sin(2*math.Pi*float64(k)*float64(i)/float64(s.FFT))
		}
		img := make([]float32, 2*S*S)
		c.Image(x, img)
		t0 := 20 // a frame inside the clip
		best, at := float32(-2), -1
		for b := range 2 * S {
			if v := img[(b%2)*S*S+(b/2)*S+t0]; v > best {
				best, at = v, b
			}
		}
		if at != k {
			t.Errorf("tone at bin %d: loudest cell at bin %d", k, at)
		}
		for col := s.Frames(); col < S; col++ {
			if v := img[(k%2)*S*S+(k/2)*S+col]; v != -1 {
				t.Errorf("column %d after the last frame: %g, want −1", col, v)
			}
		}
	}
}

// The clean magnitude with the noisy phase removes most of white noise at
// 0 dB: the ceiling of any magnitude model, far above the baselines'
// 7–9 dB.
func TestCleanMagnitudeWithNoisyPhase(t *testing.T) {
	c, err := NewCodec(Default())
	if err != nil {
		t.Fatal(err)
	}
	s := c.Spec
	clean := speechLike(s.Rate, s.Samples, 1)
	noisy, _, err := noise.Mix(clean, noise.White(s.Samples, tensor.NewRNG(3)), 0)
	if err != nil {
		t.Fatal(err)
	}
	img := make([]float32, 2*s.Size()*s.Size())
	c.Image(clean, img)
	y, err := c.Waveform(img, noisy)
	if err != nil {
		t.Fatal(err)
	}
	gain, err := quality.SISDRi(y, noisy, clean)
	if err != nil {
		t.Fatal(err)
	}
	if gain < 9 {
		t.Errorf("clean magnitude with the noisy phase gains %.2f dB SI-SDR at 0 dB white noise, want ≥ 9", gain)
	}
}

func TestSpecValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Spec)
		want string
	}{
		{"default", func(*Spec) {}, ""},
		{"rate", func(s *Spec) { s.Rate = 0 }, "rate"},
		{"fft", func(s *Spec) { s.FFT = 100 }, "fft 100"},
		{"hop", func(s *Spec) { s.Hop = 200 }, "hop 200"},
		{"frames", func(s *Spec) { s.Hop = 64 }, "do not fit"},
		{"exponent", func(s *Spec) { s.Exponent = 0 }, "exponent"},
		{"beta", func(s *Spec) { s.Beta = math.Inf(1) }, "beta"},
		{"peak", func(s *Spec) { s.Peak = 2 }, "peak"},
	} {
		s := Default()
		tc.edit(&s)
		err := s.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want an error naming %q", tc.name, err, tc.want)
		}
	}
}

func TestParseSpec(t *testing.T) {
	meta, err := Default().Meta()
	if err != nil {
		t.Fatal(err)
	}
	s, ok, err := ParseSpec(meta, "x")
	if err != nil || !ok || s != Default() {
		t.Errorf("round trip: %+v, %v, %v", s, ok, err)
	}
	if _, ok, err := ParseSpec(map[string]string{}, "x"); ok || err != nil {
		t.Errorf("no entry: ok %v, err %v", ok, err)
	}
	for _, raw := range []string{"{", `{"rate": 8000}`} {
		if _, _, err := ParseSpec(map[string]string{MetaKey: raw}, "x.safetensors"); err == nil || !strings.Contains(err.Error(), "x.safetensors") {
			t.Errorf("header %q: %v, want an error naming the file", raw, err)
		}
	}
}

// tinyEnhancer is DefaultModel at 8 channels and T = 20.
func tinyEnhancer(t *testing.T) *Enhancer {
	t.Helper()
	m := DefaultModel(Default())
	m.UNet.Channels, m.Schedule.Steps = 8, 20
	e, err := New(m, Default(), 1)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// tones are n clean clips (N, 1, Samples) of 2 voices.
func tones(n int) (*tensor.Tensor, []string) {
	s := Default()
	x := tensor.New(n, 1, s.Samples)
	voices := make([]string, n)
	for i := range n {
		for j, v := range speechLike(s.Rate, s.Samples, float64(i)) {
			x.Data[i*s.Samples+j] = float32(v * (1 + 0.1*float64(i)))
		}
		voices[i] = []string{"a", "b"}[i%2]
	}
	return x, voices
}

// The task mixes at an SNR in [MinSNR, MaxSNR], the same draws give the
// same mixture, and its loss is a finite function of step and stream.
func TestTaskMixAndLoss(t *testing.T) {
	e := tinyEnhancer(t)
	x, voices := tones(4)
	task, err := NewTask(e, x, voices, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		clean, noisy, err := task.Mix(i%4, tensor.NewRNG(uint64(i)))
		if err != nil {
			t.Fatal(err)
		}
		nz := make([]float64, len(clean))
		for j := range nz {
			nz[j] = noisy[j] - clean[j]
		}
		if snr := noise.SNR(clean, nz); snr < task.MinSNR-1e-6 || snr > task.MaxSNR+1e-6 {
			t.Errorf("draw %d: SNR %.3f dB outside [%g, %g]", i, snr, task.MinSNR, task.MaxSNR)
		}
		_, again, _ := task.Mix(i%4, tensor.NewRNG(uint64(i)))
		if !slices.Equal(noisy, again) {
			t.Errorf("draw %d: the same stream gave another mixture", i)
		}
	}
	loss := func() float32 {
		l, _, err := task.Loss(autograd.New(), 3, tensor.NewRNG(9))
		if err != nil {
			t.Fatal(err)
		}
		return l.Value.Data[0]
	}
	a, b := loss(), loss()
	if a != b || math.IsNaN(float64(a)) || math.IsInf(float64(a), 0) {
		t.Errorf("loss %v then %v: want the same finite value", a, b)
	}
	if _, err := NewTask(e, x, voices[:3], 2, 1); err == nil {
		t.Error("fewer voices than clips accepted")
	}
	if _, err := NewTask(e, x, voices, 5, 1); err == nil {
		t.Error("a batch larger than the data accepted")
	}
}

// Enhance is deterministic, averages samples, keeps lengths, and refuses
// clips of the wrong length or rate.
func TestEnhanceDeterministic(t *testing.T) {
	e := tinyEnhancer(t)
	s := e.Codec.Spec
	clean := speechLike(s.Rate, s.Samples, 2)
	noisy, _, err := noise.Mix(clean, noise.White(s.Samples, tensor.NewRNG(4)), 5)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Sampler: sampler.Spec{Name: "ddim", Steps: 3, Temperature: 1}, Samples: 1, Seed: 7}
	a, err := e.Enhance(context.Background(), [][]float64{noisy}, o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.Enhance(context.Background(), [][]float64{noisy}, o)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a[0], b[0]) || len(a[0]) != s.Samples {
		t.Error("the same settings gave different estimates (or the wrong length)")
	}
	o.Samples = 2
	c, err := e.Enhance(context.Background(), [][]float64{noisy}, o)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(a[0], c[0]) {
		t.Error("the mean of 2 posterior samples equals one sample")
	}
	long := append(append([]float64(nil), noisy...), noisy[:1234]...)
	y, err := e.EnhanceLong(context.Background(), long, o)
	if err != nil || len(y) != len(long) {
		t.Errorf("EnhanceLong: %d samples, %v; want %d", len(y), err, len(long))
	}
	if _, err := e.Enhance(context.Background(), [][]float64{noisy[:100]}, o); err == nil {
		t.Error("a short clip was accepted")
	}
	m := Method{Enhancer: e, Options: o}
	if _, err := m.Denoise(noisy, 16000, nil); err == nil {
		t.Error("Method accepted 16 kHz")
	}
	if !strings.Contains(m.Name(), "ddim, 3 steps, mean of 2") {
		t.Errorf("name %q", m.Name())
	}
}

// TestMetaRefusesNaN: a spec without a JSON form (a NaN β, which Validate
// refuses too) is an error naming the header key, not a panic.
func TestMetaRefusesNaN(t *testing.T) {
	s := Default()
	s.Beta = math.NaN()
	if meta, err := s.Meta(); err == nil || meta != nil || !strings.Contains(err.Error(), MetaKey) {
		t.Errorf("Meta() = %v, %v; want an error naming %q", meta, err, MetaKey)
	}
}
