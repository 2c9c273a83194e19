package classifier

import (
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tensor"
)

// TestShippedFashionAccuracy checks that the embedded network reaches the
// test accuracy its metadata states, on the first 2,000 test images: within
// 2 points (2,000 images estimate a 0.88 accuracy to about ±0.7 points).
// Time budget: about 2 s on 2 cores.
func TestShippedFashionAccuracy(t *testing.T) {
	if _, err := os.Stat(fashionDir); err != nil {
		t.Skipf("Fashion-MNIST not installed at %s", fashionDir)
	}
	m, err := LoadFashionMNIST()
	if err != nil {
		t.Fatal(err)
	}
	meta, err := FashionMeta()
	if err != nil {
		t.Fatal(err)
	}
	stated, err := strconv.ParseFloat(meta["test_accuracy"], 64)
	if err != nil {
		t.Fatalf("metadata test_accuracy %q: %v", meta["test_accuracy"], err)
	}
	if stated < 0.85 {
		t.Errorf("shipped network's stated test accuracy %.4f, want ≥ 0.85", stated)
	}
	x, y, err := data.LoadFashionMNIST(fashionDir, "test")
	if err != nil {
		t.Fatal(err)
	}
	const n = 2000
	acc := Accuracy(m, firstRows(x, n), y[:n])
	t.Logf("accuracy on %d test images %.4f; stated on 10,000: %.4f", n, acc, stated)
	if math.Abs(acc-stated) > 0.02 {
		t.Errorf("accuracy on %d test images %.4f, stated %.4f: want within 0.02", n, acc, stated)
	}
}

// firstRows returns the first n images of x (N, …) as a view.
func firstRows(x *tensor.Tensor, n int) *tensor.Tensor {
	per := x.Len() / x.Dim(0)
	return tensor.FromData(x.Data[:n*per], append([]int{n}, x.Shape[1:]...)...)
}

func TestEmbedMatchesFeatures(t *testing.T) {
	m, err := LoadFashionMNIST()
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.NewRNG(5).Rand(-1, 1, 503, 1, 28, 28) // crosses a batch boundary
	f := m.Embed(x)
	if got, want := tensor.FormatShape(f.Shape), "(503, 128)"; got != want {
		t.Fatalf("Embed shape %s, want %s", got, want)
	}
	one := m.Embed(tensor.FromData(x.Data[502*784:], 1, 1, 28, 28))
	for j, v := range one.Data {
		if f.Data[502*128+j] != v {
			t.Fatalf("Embed of image 502 alone differs from in the batch at feature %d: %v vs %v", j, v, f.Data[502*128+j])
		}
	}
}

func TestLoadFileRefusesWrongConfig(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/small.safetensors"
	m := New(Config{InChannels: 1, Size: 8, Channels: [2]int{2, 3}, Hidden: 4, Classes: 3}, tensor.NewRNG(1))
	if err := checkpoint.SaveParams(path, m.Params(), "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(path, DefaultConfig()); err == nil {
		t.Fatal("LoadFile of an 8×8 network as DefaultConfig: no error")
	}
	got, err := LoadFile(path, m.Config)
	if err != nil {
		t.Fatal(err)
	}
	if got.FC2.Weight.V.Value.Data[0] != m.FC2.Weight.V.Value.Data[0] {
		t.Error("LoadFile did not restore the weights")
	}
}
