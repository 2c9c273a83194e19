package augment

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tensor"
)

// Images is a labelled image set: X (N, C, H, W) in [−1, 1], the class of
// each image and the class names (Classes[Labels[i]] names image i's class).
type Images struct {
	X       *tensor.Tensor
	Labels  []int
	Classes []string
	Names   []string // a file name per image (for writing); may be nil
	Paths   []string // the file each image was read from, copied as is when written; may be nil
}

// Len returns the number of images.
func (s *Images) Len() int { return len(s.Labels) }

// ClassCounts returns the number of images of each class.
func (s *Images) ClassCounts() []int {
	n := make([]int, len(s.Classes))
	for _, y := range s.Labels {
		n[y]++
	}
	return n
}

// Subset returns images idx of s, in that order.
func (s *Images) Subset(idx []int) *Images {
	per := s.X.Len() / max(s.X.Dim(0), 1)
	out := &Images{X: tensor.New(append([]int{len(idx)}, s.X.Shape[1:]...)...), Labels: make([]int, len(idx)), Classes: s.Classes}
	if s.Names != nil {
		out.Names = make([]string, len(idx))
	}
	for k, i := range idx {
		copy(out.X.Data[k*per:(k+1)*per], s.X.Data[i*per:(i+1)*per])
		out.Labels[k] = s.Labels[i]
		if s.Names != nil {
			out.Names[k] = s.Names[i]
		}
	}
	return out
}

// Concat returns the images of a followed by those of b (same shape and
// classes).
func Concat(a, b *Images) *Images {
	x := tensor.New(append([]int{a.Len() + b.Len()}, a.X.Shape[1:]...)...)
	copy(x.Data, a.X.Data)
	copy(x.Data[len(a.X.Data):], b.X.Data)
	out := &Images{X: x, Labels: append(slices.Clone(a.Labels), b.Labels...), Classes: a.Classes}
	if a.Names != nil && b.Names != nil {
		out.Names = append(slices.Clone(a.Names), b.Names...)
	}
	return out
}

// LoadFolder reads an image folder with one sub-folder per class
// (root/<class>/*.png|jpg), resized to size×size with the given channels
// (1 grey, 3 RGB). Classes are the sub-folders in sorted order. A folder
// without class sub-folders, or a class folder without images, is an error
// naming it: augmentation needs labels.
func LoadFolder(root string, size, channels int) (*Images, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("augment: image folder: %w", err)
	}
	var classes []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			classes = append(classes, e.Name())
		}
	}
	if len(classes) == 0 {
		return nil, &data.ParseError{File: root, Field: "class folders", Want: "one sub-folder per class (root/<class>/*.png)", Got: "no sub-folders"}
	}
	d, err := data.OpenImageDir(root, data.ImageDirOptions{Size: size, Channels: channels})
	if err != nil {
		return nil, fmt.Errorf("augment: %w", err)
	}
	counts := make([]int, len(d.Classes))
	for _, y := range d.Labels {
		counts[y]++
	}
	for c, n := range counts {
		if n == 0 {
			return nil, &data.ParseError{File: filepath.Join(root, d.Classes[c]), Field: "images", Want: "at least one PNG or JPEG image", Got: "none"}
		}
	}
	x, y, err := d.Load()
	if err != nil {
		return nil, fmt.Errorf("augment: %w", err)
	}
	names := make([]string, len(d.Paths))
	for i, p := range d.Paths {
		names[i] = filepath.Base(p)
	}
	return &Images{X: x, Labels: y, Classes: d.Classes, Names: names, Paths: d.Paths}, nil
}

// FashionClasses are the class names used for Fashion-MNIST sets: the
// label index, which is also the class folder name when a set is written.
func FashionClasses() []string {
	c := make([]string, len(data.FashionMNISTClasses))
	for i := range c {
		c[i] = fmt.Sprint(i)
	}
	return c
}

// FashionSplit holds one seed's draw of the Fashion-MNIST training split:
// PerClass real training images of every class and a validation set drawn
// from the other training images (disjoint from every seed's training draw:
// the validation images come first in a fixed permutation, training images
// are drawn from the rest).
type FashionSplit struct {
	Train, Val *Images
}

// SplitFashion draws from the training split x, y (labels 0..9): valPerClass validation
// images of each class (the same for every seed: the first of each class in
// a permutation of seed 0xfa5) and perClass training images of each class
// from the remaining images, chosen by seed.
func SplitFashion(x *tensor.Tensor, y []int, perClass, valPerClass int, seed uint64) (*FashionSplit, error) {
	k := 0
	for _, l := range y {
		k = max(k, l+1)
	}
	full := &Images{X: x, Labels: y, Classes: FashionClasses()[:min(k, 10)]}
	if k > 10 {
		return nil, fmt.Errorf("augment: fashion-mnist: label %d: want classes 0..9", k-1)
	}
	if perClass < 1 {
		return nil, fmt.Errorf("augment: images per class: want ≥ 1, got %d", perClass)
	}
	fixed := tensor.NewRNG(0xfa5).Perm(len(y))
	var val, rest []int
	taken := make([]int, len(full.Classes))
	for _, i := range fixed {
		if taken[y[i]] < valPerClass {
			taken[y[i]]++
			val = append(val, i)
		} else {
			rest = append(rest, i)
		}
	}
	perm := tensor.NewRNG(seed).Perm(len(rest))
	var tr []int
	clear(taken)
	for _, k := range perm {
		i := rest[k]
		if taken[y[i]] < perClass {
			taken[y[i]]++
			tr = append(tr, i)
		}
	}
	for c, n := range taken {
		if n < perClass {
			return nil, fmt.Errorf("augment: fashion-mnist: class %d has %d training images left after validation, want %d", c, n, perClass)
		}
	}
	slices.Sort(tr)
	return &FashionSplit{Train: full.Subset(tr), Val: full.Subset(val)}, nil
}
