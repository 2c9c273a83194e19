package melgen

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio/classifier"
	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
)

// chirps returns n clips: a harmonic tone from 0.2 s to 0.7 s whose pitch
// rises from f0 to 2·f0 (f0 = 150 + 250·i Hz), with two harmonics.
func chirps(n int, gain float64) *tensor.Tensor {
	x := tensor.New(n, 1, 8000)
	for i := range n {
		f0, ph := 150+250*float64(i), 0.0
		for j := 1600; j < 5600; j++ {
			u := float64(j-1600) / 4000
			ph += 2 * math.Pi * f0 * (1 + u) / 8000
			env := math.Sin(math.Pi * u)
			x.Data[i*8000+j] = float32(gain * env * (0.5*math.Sin(ph) + 0.3*math.Sin(2*ph) + 0.2*math.Sin(3*ph)))
		}
	}
	return x
}

func newCodec(t *testing.T) *Codec {
	t.Helper()
	c, err := NewCodec(Default())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The pseudo-inverse satisfies the Moore–Penrose conditions W·P·W = W and
// P·W·P = P.
func TestPseudoInverse(t *testing.T) {
	c := newCodec(t)
	W, P := c.mel.Weights, c.pinv
	mul := func(a, b [][]float64) [][]float64 {
		out := make([][]float64, len(a))
		for i := range a {
			out[i] = make([]float64, len(b[0]))
			for k, v := range a[i] {
				for j, w := range b[k] {
					out[i][j] += v * w
				}
			}
		}
		return out
	}
	maxDiff := func(a, b [][]float64) (d float64) {
		for i := range a {
			for j := range a[i] {
				d = max(d, math.Abs(a[i][j]-b[i][j]))
			}
		}
		return d
	}
	scale := 0.0
	for _, row := range W {
		scale = max(scale, slices.Max(row))
	}
	if d := maxDiff(mul(mul(W, P), W), W); d > 1e-9*scale {
		t.Errorf("max |WPW − W| = %g", d)
	}
	pscale := 0.0
	for _, row := range P {
		for _, v := range row {
			pscale = max(pscale, math.Abs(v))
		}
	}
	if d := maxDiff(mul(mul(P, W), P), P); d > 1e-9*pscale {
		t.Errorf("max |PWP − P| = %g", d)
	}
}

// The images are the digit classifier's, mapped from [0, 1] to [−1, 1],
// and do not depend on the clip's level.
func TestImagesAreTheClassifiers(t *testing.T) {
	c := newCodec(t)
	x := chirps(3, 0.5)
	img, err := c.Images(x)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	ref, err := cl.Images(x)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(img.Shape, ref.Shape) {
		t.Fatalf("shape %v, classifier's %v", img.Shape, ref.Shape)
	}
	for i, v := range img.Data {
		if v < -1 || v > 1 || math.Abs(float64(v)-(2*float64(ref.Data[i])-1)) > 1e-5 {
			t.Fatalf("pixel %d: %g, classifier's %g (want 2·c − 1 in [−1, 1])", i, v, ref.Data[i])
		}
	}
	quiet, err := c.Images(chirps(3, 0.01))
	if err != nil {
		t.Fatal(err)
	}
	for i := range img.Data {
		if math.Abs(float64(img.Data[i]-quiet.Data[i])) > 1e-4 {
			t.Fatalf("pixel %d: %g at gain 0.5, %g at gain 0.01", i, img.Data[i], quiet.Data[i])
		}
	}
	if _, err := c.Images(tensor.New(2, 1, 400)); err == nil {
		t.Error("clips of 400 samples accepted")
	}
}

// Mel image → Griffin–Lim → mel image keeps the image: the mean absolute
// pixel difference is small, and far below that between different clips;
// the waveform peaks at 0.9; the same stream gives the same clip.
func TestVocodeRoundTrip(t *testing.T) {
	c := newCodec(t)
	img, err := c.Images(chirps(2, 0.5))
	if err != nil {
		t.Fatal(err)
	}
	y, err := c.Vocode(img, tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	back, err := c.Images(y)
	if err != nil {
		t.Fatal(err)
	}
	per := len(img.Data) / 2
	// mad is the mean |a − b| over the cells where a is within 40 dB of
	// its peak (pixel > 0); quiet is the mean of b where a is at the floor.
	// Griffin–Lim's phase errors put some energy about 50 dB down where
	// these pure tones have none, so the floor is not kept exactly.
	mad := func(a, b []float32) (d, quiet float64) {
		n, q := 0, 0
		for i := range a {
			if a[i] > 0 {
				d += math.Abs(float64(a[i] - b[i]))
				n++
			} else if a[i] <= -0.99 {
				quiet += float64(b[i])
				q++
			}
		}
		return d / float64(n), quiet / float64(q)
	}
	for i := range 2 {
		self, quiet := mad(img.Data[i*per:(i+1)*per], back.Data[i*per:(i+1)*per])
		other, _ := mad(img.Data[(1-i)*per:(2-i)*per], back.Data[i*per:(i+1)*per])
		t.Logf("clip %d: loud cells: mean |Δpixel| %.4f to its own image, %.4f to the other's; silent cells: mean pixel %.3f",
			i, self, other, quiet)
		if self > 0.15 || self > other/2 || quiet > -0.5 {
			t.Errorf("clip %d: loud cells: mean |Δpixel| %.4f to its own image (want ≤ 0.15, half of %.4f to the other's); silent cells: mean pixel %.3f (want ≤ −0.5)",
				i, self, other, quiet)
		}
		peak := 0.0
		for _, v := range y.Data[i*8000 : (i+1)*8000] {
			peak = max(peak, math.Abs(float64(v)))
		}
		if math.Abs(peak-0.9) > 1e-6 {
			t.Errorf("clip %d: peak %g, want 0.9", i, peak)
		}
	}
	again, _ := c.Vocode(img, tensor.NewRNG(3))
	if !slices.Equal(y.Data, again.Data) {
		t.Error("the same images and stream gave different clips")
	}
	if _, err := c.Vocode(tensor.New(1, 1, 32, 31), tensor.NewRNG(1)); err == nil {
		t.Error("a 32×31 image accepted")
	}
}

func TestSpecChecks(t *testing.T) {
	good := Default()
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, want string
		edit       func(*Spec)
	}{
		{"not square", "square", func(s *Spec) { s.Bands = 40 }},
		{"hop", "hop", func(s *Spec) { s.Hop = 0 }},
		{"range", "range_db", func(s *Spec) { s.RangeDB = 0 }},
		{"upsample", "gl_upsample", func(s *Spec) { s.GLUpsample = 3 }},
		{"rate", "rate", func(s *Spec) { s.Rate = 0 }},
	} {
		s := good
		tc.edit(&s)
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one naming %q", tc.name, err, tc.want)
		}
	}
	if _, ok, err := ParseSpec(map[string]string{}, "x"); ok || err != nil {
		t.Errorf("no entry: ok %v, err %v", ok, err)
	}
	meta, err := good.Meta()
	if err != nil {
		t.Fatal(err)
	}
	if s, ok, err := ParseSpec(meta, "x"); !ok || err != nil || s != good {
		t.Errorf("round trip: %+v, %v, %v", s, ok, err)
	}
	for _, raw := range []string{"{", `{"rate": 8000}`} {
		if _, ok, err := ParseSpec(map[string]string{MetaKey: raw}, "ck.safetensors"); !ok || err == nil || !strings.Contains(err.Error(), "ck.safetensors") {
			t.Errorf("header %q: ok %v, err %v: want an error naming the file", raw, ok, err)
		}
	}
}

// A freshly initialised model saved with its spec loads as a mel model and
// generates: clips of 1 s at peak 0.9, the same seed giving the same clips,
// and (item-wise sampler) clip 0 of a batch equal to the clip drawn alone.
// A checkpoint without the spec is refused. Time budget: about a second.
func TestGenerateTinyModel(t *testing.T) {
	s := Default()
	m, err := DefaultModel(s)
	if err != nil {
		t.Fatal(err)
	}
	m.UNet.Channels, m.UNet.Groups, m.Schedule.Steps = 8, 4, 50
	p, err := pipeline.New(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path, plain := filepath.Join(dir, "mel.safetensors"), filepath.Join(dir, "plain.safetensors")
	meta := m.Meta()
	if err := checkpoint.SaveParams(plain, p.Net.Params(), "", meta); err != nil {
		t.Fatal(err)
	}
	meta[MetaKey] = specEntry(t, s)
	if err := checkpoint.SaveParams(path, p.Net.Params(), "", meta); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(plain, false); err == nil || !strings.Contains(err.Error(), "not a mel") {
		t.Errorf("a checkpoint without the spec: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "none.safetensors"), false); err == nil {
		t.Error("a missing file loaded")
	}
	g, err := Load(path, false)
	if err != nil {
		t.Fatal(err)
	}
	g.Codec.Spec.GLIters = 4
	opts := Options{Sampler: sampler.Spec{Name: "euler", Steps: 2}, Guidance: 3, Seed: 7}
	x, img, err := g.Generate(context.Background(), []int{3, 5}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x.Shape, []int{2, 1, 8000}) || !slices.Equal(img.Shape, []int{2, 1, 32, 32}) {
		t.Fatalf("shapes %v, %v", x.Shape, img.Shape)
	}
	again, _, _ := g.Generate(context.Background(), []int{3, 5}, opts)
	if !slices.Equal(x.Data, again.Data) {
		t.Error("the same settings gave different clips")
	}
	alone, _, _ := g.Generate(context.Background(), []int{3}, opts)
	if !slices.Equal(alone.Data, x.Data[:8000]) {
		t.Error("clip 0 depends on its batch")
	}
	// 10 is the null class (the unconditional model, pipeline.Options), so
	// 11 is the first label refused.
	if _, _, err := g.Generate(context.Background(), []int{11}, opts); err == nil {
		t.Error("label 11 accepted")
	}
}

// The vocoder's ceiling on real speech: the classifier's accuracy on
// spoken test-voice clips passed through mel → Griffin–Lim stays within
// 0.06 of its accuracy on the clips themselves. The clips are 50 of the
// data set in DIGITS when it is set, otherwise 40 spoken here by espeak-ng
// (4 test voices × 10 digits; the Debian package espeak-ng, which .ci/deps
// installs). docs/audio.md gives the measured ceiling on all test clips.
// Time budget: about 10 s, so it is skipped with -short.
func TestVocoderCeilingOnRealClips(t *testing.T) {
	if testing.Short() {
		t.Skip("vocodes 50 real clips")
	}
	dir := os.Getenv("DIGITS")
	if dir == "" {
		if _, err := exec.LookPath("espeak-ng"); err != nil {
			t.Skip("needs the Debian package espeak-ng to speak the clips (or DIGITS, a spoken-digit data set)")
		}
		dir = t.TempDir()
		voices := digits.Voices([]string{"en-us", "en-gb", "de", "fr-fr"}, []string{"m3", "f2"})
		if _, err := digits.Generate(context.Background(), digits.Options{Dir: dir, Voices: voices, PerDigit: 1, Seed: 3,
			ValFraction: 0.1, TestFraction: 0.5}); err != nil {
			t.Fatal(err)
		}
	}
	x, y, _, err := digits.Load(dir, digits.Test, 50)
	if err != nil {
		t.Fatal(err)
	}
	c := newCodec(t)
	img, err := c.Images(x)
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Vocode(img, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	real, err := cl.Accuracy(x, y)
	if err != nil {
		t.Fatal(err)
	}
	voc, err := cl.Accuracy(v, y)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("accuracy on %d test clips: real %.3f, through the vocoder %.3f", len(y), real, voc)
	if voc < real-0.06 {
		t.Errorf("accuracy through the vocoder %.3f, on the real clips %.3f: the vocoder loses the digit", voc, real)
	}
}

// Export keeps exactly what sampling needs: the EMA weights (the copy
// samples as the training checkpoint's EMA weights do), the model, spec
// and data entries, and none of the raw weights, optimiser state or loss
// history. The copy refuses the raw weights; a checkpoint that is not a mel
// model is refused with nothing written. Time budget: well under a second.
func TestExport(t *testing.T) {
	s := Default()
	m, err := DefaultModel(s)
	if err != nil {
		t.Fatal(err)
	}
	m.UNet.Channels, m.UNet.Groups, m.Schedule.Steps = 8, 4, 50
	p, err := pipeline.New(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	tensors, err := checkpoint.ParamTensors(p.Net.Params(), "")
	if err != nil {
		t.Fatal(err)
	}
	ema, err := checkpoint.ParamTensors(p.Net.Params(), "ema.")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range ema {
		w := v.Clone()
		for i := range w.Data {
			w.Data[i] *= 0.5 // the average differs from the raw weights
		}
		tensors[k] = w
	}
	tensors["adam.m.stem.weight"] = tensors["stem.weight"].Clone()
	meta := m.Meta()
	meta[MetaKey] = specEntry(t, s)
	meta["ema.steps"], meta["train.step"], meta["adam.lr"], meta["audio.data"] = "5", "5", "0.001", "digits"
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "ckpt-000005.safetensors"), filepath.Join(dir, "export.safetensors")
	if err := checkpoint.WriteSafetensors(src, tensors, meta); err != nil {
		t.Fatal(err)
	}
	if err := Export(src, dst); err != nil {
		t.Fatal(err)
	}
	f, err := checkpoint.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	for k := range f.Tensors {
		if !strings.HasPrefix(k, "ema.") {
			t.Errorf("the export holds %s", k)
		}
	}
	if len(f.Tensors) != len(ema) {
		t.Errorf("the export holds %d tensors, want the %d EMA weights", len(f.Tensors), len(ema))
	}
	for k := range f.Meta {
		if strings.HasPrefix(k, "adam.") || strings.HasPrefix(k, "train.") {
			t.Errorf("the export's header holds %s", k)
		}
	}
	if f.Meta[ExportKey] != "ckpt-000005.safetensors" || f.Meta["audio.mel.step"] != "5" || f.Meta["audio.data"] != "digits" {
		t.Errorf("export header %v", f.Meta)
	}
	a, err := Load(src, true)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(dst, true)
	if err != nil {
		t.Fatal(err)
	}
	a.Codec.Spec.GLIters, b.Codec.Spec.GLIters = 2, 2
	opts := Options{Sampler: sampler.Spec{Name: "dpmpp2m", Steps: 2}, Guidance: 3, Seed: 3}
	x, _, err := a.Generate(context.Background(), []int{1}, opts)
	if err != nil {
		t.Fatal(err)
	}
	y, _, err := b.Generate(context.Background(), []int{1}, opts)
	if err != nil || !slices.Equal(x.Data, y.Data) {
		t.Errorf("the export samples differently from the checkpoint's EMA weights (%v)", err)
	}
	if _, err := Load(dst, false); err == nil || !strings.Contains(err.Error(), "EMA") {
		t.Errorf("raw weights of an export: %v", err)
	}
	plain := filepath.Join(dir, "plain.safetensors")
	if err := checkpoint.SaveParams(plain, p.Net.Params(), "", m.Meta()); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "x.safetensors")
	if err := Export(plain, out); err == nil || !strings.Contains(err.Error(), "not a mel") {
		t.Errorf("exporting a checkpoint without the spec: %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused export wrote its file")
	}
}

// specEntry is the header entry Spec.Meta makes of s.
func specEntry(t *testing.T, s Spec) string {
	t.Helper()
	meta, err := s.Meta()
	if err != nil {
		t.Fatal(err)
	}
	return meta[MetaKey]
}

// TestMetaRefusesNaN: a spec without a JSON form (a NaN range, which
// Validate refuses too) is an error naming the header key, not a panic.
func TestMetaRefusesNaN(t *testing.T) {
	s := Default()
	s.RangeDB = math.NaN()
	if meta, err := s.Meta(); err == nil || meta != nil || !strings.Contains(err.Error(), MetaKey) {
		t.Errorf("Meta() = %v, %v; want an error naming %q", meta, err, MetaKey)
	}
}
