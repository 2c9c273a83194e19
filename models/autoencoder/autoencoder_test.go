package autoencoder

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
)

func TestShapes(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  Config
		size int
	}{{"tiny", Tiny(), 16}, {"small", Small(), 64}} {
		t.Run(c.name, func(t *testing.T) {
			a := New(c.cfg, 1)
			x := tensor.NewRNG(2).Rand(-1, 1, 1, 3, c.size, c.size)
			z, err := a.Encode(x)
			if err != nil {
				t.Fatal(err)
			}
			f := c.cfg.Factor()
			if want := []int{1, c.cfg.Latent, c.size / f, c.size / f}; !tensor.SameShape(z.Shape, want) {
				t.Fatalf("latents %v, want %v", z.Shape, want)
			}
			y, err := a.Decode(z)
			if err != nil {
				t.Fatal(err)
			}
			if !tensor.SameShape(y.Shape, x.Shape) {
				t.Errorf("decoded %v, want %v", y.Shape, x.Shape)
			}
		})
	}
}

func TestSmallIs64To16x16x4(t *testing.T) {
	c := Small()
	if got := [2]int{64 / c.Factor(), c.Latent}; got != [2]int{16, 4} {
		t.Errorf("Small: 64×64 → %d×%d×%d, want 16×16×4", got[0], got[0], got[1])
	}
}

func TestBadInputs(t *testing.T) {
	a := New(Tiny(), 1)
	if _, err := a.Encode(tensor.New(1, 3, 10, 10)); err == nil || !strings.Contains(err.Error(), "multiples of 4") {
		t.Errorf("10×10 image: err = %v, want one about multiples of 4", err)
	}
	if _, err := a.Decode(tensor.New(1, 3, 4, 4)); err == nil || !strings.Contains(err.Error(), "want (N, 2, h, w)") {
		t.Errorf("3-channel latents: err = %v", err)
	}
	bad := Tiny()
	bad.Groups = 3
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "groups 3") {
		t.Errorf("groups 3: err = %v", err)
	}
}

// TestLossGrad checks the gradient of the whole objective (encoder,
// reparameterisation, decoder, L1 and KL) against finite differences,
// with ε fixed by reseeding the stream at each evaluation.
func TestLossGrad(t *testing.T) {
	cfg := Tiny()
	cfg.Beta = 0.5 // a KL term large enough to matter in the check
	a := New(cfg, 3)
	x := tensor.NewRNG(4).Rand(-1, 1, 2, 3, 8, 8)
	var params []*autograd.Var
	for _, p := range a.Params() {
		if strings.HasPrefix(p.Name, "enc.out") || strings.HasPrefix(p.Name, "dec.in") || strings.HasPrefix(p.Name, "enc.in") {
			params = append(params, p.V)
		}
	}
	f := func(g *autograd.Graph, xv *autograd.Var) *autograd.Var {
		mu, logVar := a.Moments(g, xv)
		eps := tensor.NewRNG(9).Randn(mu.Shape()...)
		z := g.Add(mu, g.Mul(g.Exp(g.Scale(logVar, 0.5)), autograd.NewVar(eps)))
		d := g.Sub(a.DecodeVar(g, z), xv)
		kl := g.Sum(g.Sub(g.Add(g.Mul(mu, mu), g.Exp(logVar)), g.AddScalar(logVar, 1)), nil, false)
		return g.Add(g.Mean(g.Mul(d, d), nil, false), g.Scale(kl, 0.01)) // smooth stand-in for L1 at the kink
	}
	gradcheck.Check(t, f, x, gradcheck.Tol{Rel: 2e-2}, params...)
}

// TestLossTerms checks Loss against its definition on a hand-built case:
// the L1 term is the mean |x − D(μ + σε)| and the KL term
// ½β Σ(μ² + σ² − 1 − log σ²)/n.
func TestLossTerms(t *testing.T) {
	a := New(Tiny(), 5)
	x := tensor.NewRNG(6).Rand(-1, 1, 1, 3, 8, 8)
	_, l1, kl := a.Loss(autograd.NoGrad(), x, tensor.NewRNG(7))
	g := autograd.NoGrad()
	mu, logVar := a.Moments(g, autograd.NewVar(x))
	eps := tensor.NewRNG(7).Randn(mu.Shape()...)
	z := mu.Value.Clone()
	var klWant float64
	for i := range z.Data {
		m, lv := float64(mu.Value.Data[i]), float64(logVar.Value.Data[i])
		z.Data[i] += float32(math.Exp(lv/2)) * eps.Data[i]
		klWant += 0.5 * (m*m + math.Exp(lv) - 1 - lv)
	}
	klWant *= a.Config.Beta / float64(len(x.Data))
	y := a.DecodeVar(g, autograd.NewVar(z)).Value
	var l1Want float64
	for i := range y.Data {
		l1Want += math.Abs(float64(y.Data[i] - x.Data[i]))
	}
	l1Want /= float64(len(y.Data))
	if math.Abs(l1-l1Want) > 1e-5 || math.Abs(kl-klWant) > 1e-6*math.Max(1, klWant) {
		t.Errorf("Loss terms L1 %.7f KL %.3e, want %.7f %.3e", l1, kl, l1Want, klWant)
	}
}

func TestSaveLoadHash(t *testing.T) {
	dir := t.TempDir()
	a := New(Tiny(), 1)
	a.Config.Scale = 0.75
	if err := a.Save(dir); err != nil {
		t.Fatal(err)
	}
	b, hash, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := a.Hash()
	if hash != want || b.Config.Scale != 0.75 {
		t.Errorf("Load: hash %s scale %v, want %s 0.75", hash, b.Config.Scale, want)
	}
	x := tensor.NewRNG(2).Rand(-1, 1, 1, 3, 8, 8)
	ya, _ := a.Reconstruct(x)
	yb, _ := b.Reconstruct(x)
	for i := range ya.Data {
		if ya.Data[i] != yb.Data[i] {
			t.Fatalf("reloaded model differs at %d: %v vs %v", i, yb.Data[i], ya.Data[i])
		}
	}
	other, _ := New(Tiny(), 2).Hash()
	if err := CheckHash("latent model m", hash, other); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("different autoencoder: err = %v, want a refusal", err)
	}
	if err := CheckHash("m", hash, hash); err != nil {
		t.Errorf("same autoencoder refused: %v", err)
	}
	// Weights from another model beside this config: refused by hash.
	c := New(Tiny(), 9)
	dir2 := t.TempDir()
	if err := c.Save(dir2); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir2, WeightsFile))
	os.WriteFile(filepath.Join(dir, WeightsFile), raw, 0o644)
	if _, _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "different models") {
		t.Errorf("swapped weights: err = %v", err)
	}
	// A config whose architecture differs from the weights: refused by shape.
	var s saved
	checkpoint.ReadJSON(filepath.Join(dir2, ConfigFile), &s)
	s.Config.Channels = 12
	checkpoint.WriteJSON(filepath.Join(dir2, ConfigFile), s)
	var me *checkpoint.MismatchError
	if _, _, err := Load(dir2); !errors.As(err, &me) {
		t.Errorf("wrong architecture: err = %v, want a MismatchError", err)
	}
}

// TestTrainLearns fits the tiny autoencoder to eight 16×16 two-colour
// images (time budget: under a second): the reconstruction PSNR must rise
// by at least 3 dB over the untrained model.
func TestTrainLearns(t *testing.T) {
	rng := tensor.NewRNG(11)
	x := tensor.New(8, 3, 16, 16)
	for n := range 8 {
		col := [3]float32{float32(rng.Uniform()*2 - 1), float32(rng.Uniform()*2 - 1), float32(rng.Uniform()*2 - 1)}
		r := 2 + rng.Intn(6)
		for c := range 3 {
			for y := range 16 {
				for xx := range 16 {
					v := float32(1)
					if (y-8)*(y-8)+(xx-8)*(xx-8) < r*r {
						v = col[c]
					}
					x.Data[((n*3+c)*16+y)*16+xx] = v
				}
			}
		}
	}
	a := New(Tiny(), 1)
	before, err := a.PSNR(x)
	if err != nil {
		t.Fatal(err)
	}
	err = Train(context.Background(), a, func(int) (*tensor.Tensor, error) { return x, nil }, TrainOptions{Steps: 60, LR: 3e-3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := a.PSNR(x)
	if after < before+3 {
		t.Errorf("PSNR %.2f dB → %.2f dB after 60 steps, want a rise of ≥ 3 dB", before, after)
	}
	t.Logf("PSNR %.2f dB → %.2f dB", before, after)
	scale, err := a.Calibrate(x)
	z, _ := a.Encode(x)
	var s2 float64
	for _, v := range z.Data {
		s2 += float64(v) * float64(v)
	}
	if err != nil || scale <= 0 || math.Abs(math.Sqrt(s2/float64(len(z.Data)))-1) > 0.5 {
		t.Errorf("Calibrate: scale %v, latent rms %.3f, err %v; want rms near 1", scale, math.Sqrt(s2/float64(len(z.Data))), err)
	}
}

func TestTrainStopsOnNaN(t *testing.T) {
	a := New(Tiny(), 1)
	x := tensor.New(1, 3, 8, 8)
	x.Data[0] = float32(math.NaN())
	before, _ := checkpoint.ParamTensors(a.Params(), "")
	w := before["dec.out.weight"].Clone()
	err := Train(context.Background(), a, func(int) (*tensor.Tensor, error) { return x, nil }, TrainOptions{Steps: 1})
	if !errors.Is(err, ErrNonFinite) {
		t.Errorf("err = %v, want ErrNonFinite", err)
	}
	for i, v := range a.Params()[len(a.Params())-2].V.Value.Data {
		if v != w.Data[i] {
			t.Fatal("parameters changed after a NaN loss")
		}
	}
}
