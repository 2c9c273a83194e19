package augment

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

// writePNG writes a size×size grey PNG of value v to path.
func writePNG(t *testing.T, path string, size int, v float32) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	x := tensor.New(1, 1, size, size)
	for i := range x.Data {
		x.Data[i] = v
	}
	img, err := pngout.Grid(x, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := pngout.WriteFile(path, img, nil); err != nil {
		t.Fatal(err)
	}
}

// An image folder without class sub-folders is refused, naming the folder.
func TestFolderWithoutClasses(t *testing.T) {
	root := t.TempDir()
	writePNG(t, filepath.Join(root, "a.png"), 8, 0)
	_, err := LoadFolder(root, 8, 1)
	var pe *data.ParseError
	if !errors.As(err, &pe) || pe.File != root || !strings.Contains(err.Error(), "one sub-folder per class") {
		t.Fatalf("err = %v, want a ParseError naming %s and asking for class sub-folders", err, root)
	}
	empty := t.TempDir()
	if err := os.Mkdir(filepath.Join(empty, "boots"), 0o755); err != nil {
		t.Fatal(err)
	}
	writePNG(t, filepath.Join(empty, "shirts", "a.png"), 8, 0)
	if _, err := LoadFolder(empty, 8, 1); err == nil || !strings.Contains(err.Error(), "boots") {
		t.Errorf("empty class folder: err = %v, want it named", err)
	}
}

func TestLoadFolder(t *testing.T) {
	root := t.TempDir()
	writePNG(t, filepath.Join(root, "b", "1.png"), 8, 1)
	writePNG(t, filepath.Join(root, "a", "1.png"), 8, -1)
	writePNG(t, filepath.Join(root, "a", "2.png"), 8, -1)
	s, err := LoadFolder(root, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.Classes, ",") != "a,b" || s.Len() != 3 || s.ClassCounts()[0] != 2 || s.ClassCounts()[1] != 1 {
		t.Fatalf("classes %q, counts %v", s.Classes, s.ClassCounts())
	}
	if s.X.Data[0] != -1 || s.X.Data[2*64] != 1 {
		t.Errorf("pixels: first image %v, third %v; want −1 and 1", s.X.Data[0], s.X.Data[2*64])
	}
}

func TestSplitFashion(t *testing.T) {
	// 3 classes × 20 images; image i has pixel value i so images can be told apart.
	n := 60
	x := tensor.New(n, 1, 2, 2)
	y := make([]int, n)
	for i := range n {
		y[i] = i % 3
		x.Data[4*i] = float32(i)
	}
	a, err := SplitFashion(x, y, 4, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := SplitFashion(x, y, 4, 5, 2)
	val := map[float32]bool{}
	for i := range a.Val.Len() {
		val[a.Val.X.Data[4*i]] = true
	}
	for _, s := range []*FashionSplit{a, b} {
		if c := s.Train.ClassCounts(); c[0] != 4 || c[1] != 4 || c[2] != 4 || s.Val.Len() != 15 {
			t.Fatalf("train counts %v, validation %d", c, s.Val.Len())
		}
		for i := range s.Train.Len() {
			if val[s.Train.X.Data[4*i]] {
				t.Fatalf("training image %v is also a validation image", s.Train.X.Data[4*i])
			}
		}
	}
	if _, err := SplitFashion(x, y, 20, 5, 0); err == nil {
		t.Error("20 per class with 15 left: no error")
	}
}

func TestShiftImage(t *testing.T) {
	// 1×2×3 image 0..5; flip then move right by one: row [−1, 2, 1], [−1, 5, 4].
	src := []float32{0, 1, 2, 3, 4, 5}
	dst := make([]float32, 6)
	shiftImage(dst, src, 1, 2, 3, 0, 1, true)
	want := []float32{-1, 2, 1, -1, 5, 4}
	for i := range want {
		if dst[i] != want[i] {
			t.Fatalf("flip+shift = %v, want %v", dst, want)
		}
	}
	shiftImage(dst, src, 1, 2, 3, 0, 0, false)
	for i := range src {
		if dst[i] != src[i] {
			t.Fatalf("no shift = %v, want %v", dst, src)
		}
	}
	s := &Images{X: tensor.FromData(src, 1, 1, 2, 3), Labels: []int{1}, Classes: []string{"a", "b"}}
	aug := FlipShift(s, 3, 1, tensor.NewRNG(0))
	if aug.Len() != 3 || aug.Labels[2] != 1 {
		t.Errorf("FlipShift: %d copies, labels %v", aug.Len(), aug.Labels)
	}
}
