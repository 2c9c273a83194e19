package classifier

import (
	"context"
	"math"
	"testing"

	"github.com/diffusego/diffusego/audio/digits"
	cnn "github.com/diffusego/diffusego/models/classifier"
	"github.com/diffusego/diffusego/tensor"
)

// tones returns n clips (N, 1, 8000): clip i is a 0.3-s tone of class i%k
// at 300·(1 + class) Hz, at a level that varies with i, with a little noise.
func tones(n, k int, seed uint64) (*tensor.Tensor, []int) {
	rng := tensor.NewRNG(seed)
	x := tensor.New(n, 1, digits.Samples)
	y := make([]int, n)
	for i := range n {
		y[i] = i % k
		f := 300 * float64(1+y[i])
		amp := 0.05 + 0.5*rng.Uniform()
		start := 1000 + rng.Intn(4000)
		for j := start; j < start+2400; j++ {
			x.Data[i*digits.Samples+j] = float32(amp*math.Sin(2*math.Pi*f*float64(j)/digits.Rate) + 0.001*rng.Normal())
		}
	}
	return x, y
}

func TestImagesLevelInvariant(t *testing.T) {
	c := New(tensor.NewRNG(1))
	x, _ := tones(2, 2, 1)
	quiet := x.Clone()
	for i := range quiet.Data {
		quiet.Data[i] *= 0.01
	}
	a, err := c.Images(x)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Images(quiet)
	if !tensor.SameShape(a.Shape, []int{2, 1, Bands, Frames}) {
		t.Fatalf("images %v, want (2, 1, %d, %d)", a.Shape, Bands, Frames)
	}
	for i := range a.Data {
		if math.Abs(float64(a.Data[i]-b.Data[i])) > 1e-5 {
			t.Fatalf("image[%d] = %v at full level, %v at −40 dB", i, a.Data[i], b.Data[i])
		}
		if a.Data[i] < 0 || a.Data[i] > 1 {
			t.Fatalf("image[%d] = %v outside [0, 1]", i, a.Data[i])
		}
	}
	silent, _ := c.Images(tensor.New(1, 1, digits.Samples))
	for i, v := range silent.Data {
		if v != 0 {
			t.Fatalf("silent clip: image[%d] = %v, want 0", i, v)
		}
	}
	if _, err := c.Images(tensor.New(1, 1, 100)); err == nil {
		t.Errorf("a clip of 100 samples was accepted")
	}
}

// TestLearnsTones trains on 4 tone classes (time budget: a few seconds;
// 7 s on the shared 2-core machine) and must tell held-out tones apart.
func TestLearnsTones(t *testing.T) {
	x, y := tones(96, 4, 2)
	c := New(tensor.NewRNG(3))
	if err := c.Train(context.Background(), x, y, cnn.TrainConfig{Epochs: 6, Batch: 8, LR: 3e-3, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	xt, yt := tones(40, 4, 9)
	acc, err := c.Accuracy(xt, yt)
	if err != nil {
		t.Fatal(err)
	}
	if acc < 0.9 {
		t.Errorf("accuracy on held-out tones %.2f, want ≥ 0.9", acc)
	}
	s, err := c.Score(xt, yt, x, xt)
	if err != nil {
		t.Fatal(err)
	}
	if s.FloorFD != s.FD || s.N != 40 {
		t.Errorf("scoring a set against itself as floor: FD %v, floor %v, n %d", s.FD, s.FloorFD, s.N)
	}
}

func TestShipped(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	meta, err := Meta()
	if err != nil {
		t.Fatal(err)
	}
	if meta["test_accuracy"] == "" {
		t.Errorf("shipped weights carry no test_accuracy")
	}
	if len(SHA256()) != 64 {
		t.Errorf("SHA256() = %q", SHA256())
	}
	x, _ := tones(3, 3, 4)
	if pred, err := c.Predict(x); err != nil || len(pred) != 3 {
		t.Errorf("Predict = %v, %v", pred, err)
	}
}
