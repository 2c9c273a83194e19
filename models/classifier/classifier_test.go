package classifier

import (
	"context"
	"errors"
	"math"
	"os"
	"testing"
	"time"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tensor"
)

// fashionDir is Debian's dataset-fashion-mnist read through the module's
// testdata/fashion-mnist link, so that go test's cache notices when the data
// set is installed (testdata/README.md).
const fashionDir = "../../testdata/fashion-mnist"

// TestLearnsFashionMNIST trains the default CNN for two epochs on the
// 60,000 Fashion-MNIST training images and checks test accuracy ≥ 85%.
// Time budget: about 3 minutes on 2 cores (most of it in the convolutions).
func TestLearnsFashionMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("learning test skipped in -short mode")
	}
	if _, err := os.Stat(fashionDir); err != nil {
		t.Skipf("Fashion-MNIST not installed at %s (apt-get install dataset-fashion-mnist)", fashionDir)
	}
	trainX, trainY, err := data.LoadFashionMNIST(fashionDir, "train")
	if err != nil {
		t.Fatal(err)
	}
	testX, testY, err := data.LoadFashionMNIST(fashionDir, "test")
	if err != nil {
		t.Fatal(err)
	}
	m := New(DefaultConfig(), tensor.NewRNG(1))
	start := time.Now()
	cfg := TrainConfig{Epochs: 2, Batch: 64, LR: 2e-3, Seed: 2, LogEvery: 200,
		Progress: func(step, epoch int, loss, ips float64) {
			t.Logf("step %d epoch %d loss %.4f %.0f images/s", step, epoch, loss, ips)
		}}
	if err := Train(context.Background(), m, trainX, trainY, cfg); err != nil {
		t.Fatal(err)
	}
	acc := Accuracy(m, testX, testY)
	t.Logf("test accuracy %.4f after %v", acc, time.Since(start).Round(time.Second))
	if acc < 0.85 {
		t.Fatalf("test accuracy %.4f, want ≥ 0.85", acc)
	}
}

func TestTrainStopsOnNonFiniteLoss(t *testing.T) {
	cfg := Config{InChannels: 1, Size: 8, Channels: [2]int{2, 3}, Hidden: 4, Classes: 3}
	m := New(cfg, tensor.NewRNG(1))
	x := tensor.NewRNG(2).Randn(4, 1, 8, 8)
	x.Data[5] = float32(math.NaN())
	before := m.Params()[0].V.Value.Clone()
	err := Train(context.Background(), m, x, []int{0, 1, 2, 0}, TrainConfig{Batch: 4})
	if !errors.Is(err, autograd.ErrNonFinite) {
		t.Fatalf("Train on a NaN image: err = %v, want ErrNonFinite", err)
	}
	for i, v := range m.Params()[0].V.Value.Data {
		if v != before.Data[i] {
			t.Fatalf("parameters changed by a non-finite step")
		}
	}
}

func TestCNNGrad(t *testing.T) {
	cfg := Config{InChannels: 2, Size: 8, Channels: [2]int{3, 2}, Hidden: 5, Classes: 4}
	m := New(cfg, tensor.NewRNG(3))
	var ps []*autograd.Var
	for _, p := range m.Params() {
		ps = append(ps, p.V)
	}
	gradcheck.Check(t, m.Forward, gradcheck.Rand([]int{2, 2, 8, 8}, 4), gradcheck.Tol{Rel: 2e-2, Abs: 2e-3, Step: 1e-4}, ps...) // a small step keeps ReLU kinks out of the difference
}
