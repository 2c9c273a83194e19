package data_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tensor"
)

// batchKey identifies a batch by its first pixel of each item and labels.
func batchKey(x *tensor.Tensor, y []int) string {
	per := x.Len() / x.Dim(0)
	s := ""
	for i := range x.Dim(0) {
		s += fmt.Sprintf("%v:%d ", x.Data[i*per], y[i])
	}
	return s
}

// TestLoaderEpochs: each epoch serves ⌊N/B⌋ batches of distinct items,
// epochs are shuffled differently, and positions advance across epochs.
func TestLoaderEpochs(t *testing.T) {
	l, err := data.NewLoader(countingSet(t, 10), 3, 42)
	if err != nil {
		t.Fatal(err)
	}
	if l.PerEpoch() != 3 {
		t.Fatalf("PerEpoch = %d, want 3", l.PerEpoch())
	}
	var order [2]string
	for e := range 2 {
		seen := map[float32]bool{}
		for p := range 3 {
			x, y, ge, gp, err := l.Next()
			if err != nil {
				t.Fatal(err)
			}
			if ge != e || gp != p {
				t.Errorf("batch at (%d, %d), want (%d, %d)", ge, gp, e, p)
			}
			for i := range 3 {
				v := x.Data[2*i]
				if seen[v] || y[i] != 100+int(v) {
					t.Errorf("epoch %d: item %v repeated or mislabelled (%d)", e, v, y[i])
				}
				seen[v] = true
			}
			order[e] += batchKey(x, y)
		}
	}
	if order[0] == order[1] {
		t.Error("epochs 0 and 1 in the same order")
	}
	if e, p := l.Position(); e != 2 || p != 0 {
		t.Errorf("Position = (%d, %d), want (2, 0)", e, p)
	}
}

// TestLoaderResume: a loader that seeks to (epoch, position) serves the
// same batches, augmentation included, as one that got there by itself.
func TestLoaderResume(t *testing.T) {
	root := t.TempDir()
	for i := range 7 {
		writePNG(t, filepath.Join(root, fmt.Sprintf("%d.png", i)), 4, 4, func(x, y int) uint8 { return uint8(30*i + 7*x + y) })
	}
	dir, err := data.OpenImageDir(root, data.ImageDirOptions{Channels: 1, Flip: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		d    data.Dataset
	}{{"tensor", countingSet(t, 11)}, {"imagedir", dir}} {
		t.Run(c.name, func(t *testing.T) {
			full, _ := data.NewLoader(c.d, 2, 5)
			var keys []string
			var epochs, positions []int
			for range 12 {
				x, y, e, p, err := full.Next()
				if err != nil {
					t.Fatal(err)
				}
				keys, epochs, positions = append(keys, batchKey(x, y)+fmt.Sprint(x.Data)), append(epochs, e), append(positions, p)
			}
			for _, from := range []int{0, 4, 7} {
				resumed, _ := data.NewLoader(c.d, 2, 5)
				if err := resumed.Seek(epochs[from], positions[from]); err != nil {
					t.Fatal(err)
				}
				for i := from; i < len(keys); i++ {
					x, y, _, _, err := resumed.Next()
					if err != nil {
						t.Fatal(err)
					}
					if got := batchKey(x, y) + fmt.Sprint(x.Data); got != keys[i] {
						t.Fatalf("resumed at batch %d: batch %d differs", from, i)
					}
				}
			}
		})
	}
}

func TestLoaderBad(t *testing.T) {
	d := countingSet(t, 4)
	if _, err := data.NewLoader(d, 5, 0); err == nil {
		t.Error("batch 5 of 4 items: no error")
	}
	if _, err := data.NewLoader(d, 0, 0); err == nil {
		t.Error("batch 0: no error")
	}
	l, _ := data.NewLoader(d, 2, 0)
	if err := l.Seek(0, 2); err == nil {
		t.Error("seek past the epoch's 2 batches: no error")
	}
	if _, err := data.NewTensorDataset(tensor.New(3, 2), []int{1}); err == nil {
		t.Error("3 images, 1 label: no error")
	}
}

// TestLoaderFashionMNIST: the test split in batches of 64 with a 10%
// validation split (about 0.5 s, most of it reading the file).
func TestLoaderFashionMNIST(t *testing.T) {
	const dir = "../testdata/fashion-mnist" // the link to /usr/share/datasets/fashion-mnist (testdata/README.md)
	if _, err := os.Stat(filepath.Join(dir, "t10k-images-idx3-ubyte.gz")); err != nil {
		t.Skip("Fashion-MNIST not installed")
	}
	images, labels, err := data.LoadFashionMNIST(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	all, err := data.NewTensorDataset(images, labels)
	if err != nil {
		t.Fatal(err)
	}
	s, err := data.SplitIndices(all.Len(), 0.1, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	l, err := data.NewLoader(&data.Subset{Data: all, Index: s.Train}, 64, 1)
	if err != nil {
		t.Fatal(err)
	}
	x, y, _, _, err := l.Next()
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.SameShape(x.Shape, []int{64, 1, 28, 28}) || len(y) != 64 || l.PerEpoch() != 9000/64 {
		t.Errorf("batch %v, %d labels, %d per epoch; want (64, 1, 28, 28), 64, %d", x.Shape, len(y), l.PerEpoch(), 9000/64)
	}
}
