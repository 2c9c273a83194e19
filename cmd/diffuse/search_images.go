package main

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

// searchImages are the images of an index: their names and pixels.
type searchImages struct {
	source string         // the folder (absolute) or fashion-mnist:SPLIT
	names  []string       // folder: paths relative to it; Fashion-MNIST: 000123_c9
	x      *tensor.Tensor // (N, C, H, W) in [−1, 1]
	total  int            // images in the whole set, of which these are a part
}

// loadSearchImages reads the images an index is built from: a PNG/JPEG
// folder (class sub-folders allowed) of exactly size×size images with the
// model's channels, or fashion-mnist:train / fashion-mnist:test from dir;
// limit > 0 keeps the first limit images. With part non-nil, only the
// part's share of them is read (shard.span), named as in the whole set.
func loadSearchImages(spec, dir string, size, channels, limit int, part *shard) (*searchImages, error) {
	if split, ok := strings.CutPrefix(spec, fashionPrefix); ok {
		if split != "train" && split != "test" {
			return nil, usagef("--images %q: want %strain or %stest", spec, fashionPrefix, fashionPrefix)
		}
		if size != 28 || channels != 1 {
			return nil, usagef("--images %s: Fashion-MNIST is 28×28 grey, the model takes %d×%d with %d channels", spec, size, size, channels)
		}
		x, labels, err := data.LoadFashionMNIST(dir, split)
		if err != nil {
			return nil, err
		}
		n := x.Dim(0)
		if limit > 0 {
			n = min(n, limit)
		}
		lo, hi := 0, n
		if part != nil {
			lo, hi = part.span(n)
		}
		names := make([]string, hi-lo)
		for i := range names {
			names[i] = fmt.Sprintf("%06d_c%d", lo+i, labels[lo+i])
		}
		return &searchImages{source: spec, names: names, x: tensor.FromData(x.Data[lo*28*28:hi*28*28], hi-lo, 1, 28, 28), total: n}, nil
	}
	root, err := filepath.Abs(spec)
	if err != nil {
		return nil, fmt.Errorf("--images: %w", err)
	}
	d, err := data.OpenImageDir(root, data.ImageDirOptions{Size: size, Exact: true, Channels: channels})
	if err != nil {
		return nil, err
	}
	if d.Len() == 0 {
		return nil, fmt.Errorf("--images %s: no PNG or JPEG images: nothing to index", spec)
	}
	n := d.Len()
	if limit > 0 {
		n = min(n, limit)
	}
	total, paths := n, d.Paths[:n]
	if part != nil {
		lo, hi := part.span(n)
		paths = paths[lo:hi]
	}
	n = len(paths)
	s := &searchImages{source: root, names: make([]string, n), x: tensor.New(n, channels, size, size), total: total}
	per := channels * size * size
	errs := make([]error, n)
	parallel.For(n, 4, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			errs[i] = readImage(paths[i], size, channels, s.x.Data[i*per:(i+1)*per])
		}
	})
	for i, err := range errs {
		if err != nil {
			return nil, err
		}
		if s.names[i], err = filepath.Rel(root, paths[i]); err != nil {
			return nil, fmt.Errorf("--images: %w", err)
		}
	}
	return s, nil
}

// readImage decodes a size×size PNG or JPEG into dst as (channels, size,
// size) in [−1, 1]. A grey file has 1 channel and a colour one 3; a colour
// file whose pixels are all grey (R = G = B) also counts as 1 channel.
// Another size or channel count is refused, naming the file: images are
// never resized or converted behind the caller's back.
func readImage(path string, size, channels int, dst []float32) error {
	fh, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	defer fh.Close()
	img, _, err := image.Decode(fh)
	if err != nil {
		return &data.ParseError{File: path, Field: "pixels", Want: "a PNG or JPEG image", Got: err.Error()}
	}
	b := img.Bounds()
	if b.Dx() != size || b.Dy() != size {
		return &data.ParseError{File: path, Field: "size", Want: fmt.Sprintf("%d×%d (the model's size)", size, size), Got: fmt.Sprintf("%d×%d", b.Dx(), b.Dy())}
	}
	got := imageChannels(img)
	if got != channels && !(channels == 1 && allGrey(img)) {
		name := map[int]string{1: "1 (grey) channel", 3: "3 (colour) channels"}
		return &data.ParseError{File: path, Field: "channels", Want: name[channels] + ", the model's", Got: name[got]}
	}
	pngout.Pixels(img, size, channels, dst)
	return nil
}

// imageChannels is 1 for grey images and 3 for any other colour model.
func imageChannels(img image.Image) int {
	switch img.ColorModel() {
	case color.GrayModel, color.Gray16Model:
		return 1
	}
	return 3
}

// allGrey reports whether every pixel has R = G = B.
func allGrey(img image.Image) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r != g || g != bl {
				return false
			}
		}
	}
	return true
}

// sheetImages returns the pixels of the named images of an index, read
// back from its source, for the contact sheet: (len(names), C, H, W).
func sheetImages(source, dir string, names []string, shape []int) (*tensor.Tensor, error) {
	c, size := shape[0], shape[1]
	per := c * size * size
	out := tensor.New(len(names), c, size, size)
	if split, ok := strings.CutPrefix(source, fashionPrefix); ok {
		x, _, err := data.LoadFashionMNIST(dir, split)
		if err != nil {
			return nil, err
		}
		for i, name := range names {
			num, _, _ := strings.Cut(name, "_")
			j, err := strconv.Atoi(num)
			if err != nil || j < 0 || j >= x.Dim(0) {
				return nil, fmt.Errorf("index: image name %q: want NNNNNN_cK, a %s image number", name, source)
			}
			copy(out.Data[i*per:(i+1)*per], x.Data[j*per:(j+1)*per])
		}
		return out, nil
	}
	for i, name := range names {
		if err := readImage(filepath.Join(source, name), size, c, out.Data[i*per:(i+1)*per]); err != nil {
			return nil, fmt.Errorf("contact sheet: %w", err)
		}
	}
	return out, nil
}
