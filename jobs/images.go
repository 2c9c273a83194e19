package jobs

import (
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // JPEG sources for index

	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

// FashionPrefix starts an image source that names a Fashion-MNIST split
// instead of a folder: fashion-mnist:test.
const FashionPrefix = "fashion-mnist:"

// ImageSet is a batch of images, with a name per image and the class
// labels when the source has them (nil for a PNG folder).
type ImageSet struct {
	Names  []string
	Labels []int
	X      *tensor.Tensor // (N, C, H, W) in [−1, 1]
}

// Slice returns images [lo, hi) of the set (sharing pixels).
func (s *ImageSet) Slice(lo, hi int) *ImageSet {
	per := s.X.Len() / max(s.X.Dim(0), 1)
	out := &ImageSet{Names: s.Names[lo:hi], X: tensor.FromData(s.X.Data[lo*per:hi*per], append([]int{hi - lo}, s.X.Shape[1:]...)...)}
	if s.Labels != nil {
		out.Labels = s.Labels[lo:hi]
	}
	return out
}

// LoadImageSource reads the images named by spec for a model taking
// (channels, size, size) images; flag names the option in errors. spec is
// a PNG file, a folder of PNGs (sorted by name), or
// fashion-mnist:SPLIT[?classes=C,…&range=FROM:TO] with SPLIT train or
// test, read from fashionDir: the images of the listed classes (all when
// absent), then positions [FROM, TO) of those.
func LoadImageSource(spec, flag, fashionDir string, size, channels int) (*ImageSet, error) {
	if strings.HasPrefix(spec, FashionPrefix) {
		return loadFashionSource(spec, flag, fashionDir, size, channels)
	}
	paths, err := ListPNGs(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	set := &ImageSet{Names: make([]string, len(paths)), X: tensor.New(len(paths), channels, size, size)}
	per := channels * size * size
	for i, path := range paths {
		if err := ReadImage(path, size, channels, set.X.Data[i*per:(i+1)*per]); err != nil {
			return nil, fmt.Errorf("%s: %w", flag, err)
		}
		set.Names[i] = filepath.Base(path)
	}
	return set, nil
}

// loadFashionSource reads a fashion-mnist:SPLIT[?…] source.
func loadFashionSource(spec, flag, fashionDir string, size, channels int) (*ImageSet, error) {
	bad := func(format string, args ...any) error {
		return requestf("%s %q: %s (want fashion-mnist:train or fashion-mnist:test, optionally ?classes=3,7&range=0:1000)",
			flag, spec, fmt.Sprintf(format, args...))
	}
	split, query, _ := strings.Cut(strings.TrimPrefix(spec, FashionPrefix), "?")
	if split != "train" && split != "test" {
		return nil, bad("split %q", split)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, bad("%v", err)
	}
	var classes []int
	lo, hi := 0, -1
	for key, vals := range q {
		v := vals[len(vals)-1]
		switch key {
		case "classes":
			for _, f := range strings.Split(v, ",") {
				c, err := strconv.Atoi(f)
				if err != nil || c < 0 || c > 9 {
					return nil, bad("classes: %q is not a class 0–9", f)
				}
				classes = append(classes, c)
			}
		case "range":
			a, b, ok := strings.Cut(v, ":")
			var err1, err2 error
			lo, err1 = strconv.Atoi(a)
			hi, err2 = strconv.Atoi(b)
			if !ok || err1 != nil || err2 != nil || lo < 0 || hi <= lo {
				return nil, bad("range %q: want FROM:TO with 0 ≤ FROM < TO", v)
			}
		default:
			return nil, bad("unknown key %q", key)
		}
	}
	if size != 28 || channels != 1 {
		return nil, fmt.Errorf("%s %s: Fashion-MNIST images are (1, 28, 28), but the model takes (%d, %d, %d)", flag, spec, channels, size, size)
	}
	x, labels, err := data.LoadFashionMNIST(fashionDir, split)
	if err != nil {
		return nil, err
	}
	keep := KeepClasses(labels, classes)
	if hi < 0 {
		hi = len(keep)
	}
	if hi > len(keep) {
		return nil, fmt.Errorf("%s %s: range ends at %d, but there are %d such images", flag, spec, hi, len(keep))
	}
	keep = keep[lo:hi]
	set := &ImageSet{Names: make([]string, len(keep))}
	set.X, set.Labels = TakeRows(x, labels, keep)
	for k, i := range keep {
		set.Names[k] = fmt.Sprintf("%s/%d", split, i)
	}
	return set, nil
}

// KeepClasses returns the positions i with labels[i] in classes, in
// order; every position when classes is empty.
func KeepClasses(labels []int, classes []int) []int {
	var keep []int
	for i, y := range labels {
		if len(classes) == 0 || slices.Contains(classes, y) {
			keep = append(keep, i)
		}
	}
	return keep
}

// TakeRows returns rows idx of x: (N, …) and of its labels y.
func TakeRows(x *tensor.Tensor, y []int, idx []int) (*tensor.Tensor, []int) {
	per := x.Len() / x.Dim(0)
	out := tensor.New(append([]int{len(idx)}, x.Shape[1:]...)...)
	labels := make([]int, len(idx))
	for k, i := range idx {
		copy(out.Data[k*per:(k+1)*per], x.Data[i*per:(i+1)*per])
		labels[k] = y[i]
	}
	return out, labels
}

// IndexImages are the images of an index: their names and pixels.
type IndexImages struct {
	Source string         // the folder (absolute) or fashion-mnist:SPLIT
	Names  []string       // folder: paths relative to it; Fashion-MNIST: 000123_c9
	X      *tensor.Tensor // (N, C, H, W) in [−1, 1]
	Total  int            // images in the whole set, of which these are a part
}

// LoadIndexImages reads the images an index is built from: a PNG/JPEG
// folder (class sub-folders allowed) of exactly size×size images with the
// model's channels, or fashion-mnist:train / fashion-mnist:test from dir;
// limit > 0 keeps the first limit images. With part non-nil, only the
// part's share of them is read (Shard.Span), named as in the whole set.
func LoadIndexImages(spec, dir string, size, channels, limit int, part *Shard) (*IndexImages, error) {
	if split, ok := strings.CutPrefix(spec, FashionPrefix); ok {
		if split != "train" && split != "test" {
			return nil, requestf("--images %q: want %strain or %stest", spec, FashionPrefix, FashionPrefix)
		}
		if size != 28 || channels != 1 {
			return nil, requestf("--images %s: Fashion-MNIST is 28×28 grey, the model takes %d×%d with %d channels", spec, size, size, channels)
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
			lo, hi = part.Span(n)
		}
		names := make([]string, hi-lo)
		for i := range names {
			names[i] = fmt.Sprintf("%06d_c%d", lo+i, labels[lo+i])
		}
		return &IndexImages{Source: spec, Names: names, X: tensor.FromData(x.Data[lo*28*28:hi*28*28], hi-lo, 1, 28, 28), Total: n}, nil
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
		lo, hi := part.Span(n)
		paths = paths[lo:hi]
	}
	n = len(paths)
	s := &IndexImages{Source: root, Names: make([]string, n), X: tensor.New(n, channels, size, size), Total: total}
	per := channels * size * size
	errs := make([]error, n)
	parallel.For(n, 4, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			errs[i] = ReadImage(paths[i], size, channels, s.X.Data[i*per:(i+1)*per])
		}
	})
	for i, err := range errs {
		if err != nil {
			return nil, err
		}
		if s.Names[i], err = filepath.Rel(root, paths[i]); err != nil {
			return nil, fmt.Errorf("--images: %w", err)
		}
	}
	return s, nil
}

// ReadImage decodes a size×size PNG or JPEG into dst as (channels, size,
// size) in [−1, 1]. A grey file has 1 channel and a colour one 3; a colour
// file whose pixels are all grey (R = G = B) also counts as 1 channel.
// Another size or channel count is refused, naming the file: images are
// never resized or converted behind the caller's back.
func ReadImage(path string, size, channels int, dst []float32) error {
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

// ListPNGs returns path itself when it is a file, or the PNG files in it
// (sorted) when it is a folder.
func ListPNGs(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".png") {
			out = append(out, filepath.Join(path, e.Name()))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("input: %s: no PNG images", path)
	}
	slices.Sort(out)
	return out, nil
}

// ReadPNG decodes a size×size PNG into dst as (channels, size, size) in
// [−1, 1]: grey (ITU-R 601 luma) for 1 channel, RGB for 3.
func ReadPNG(path string, size, channels int, dst []float32) error {
	img, err := DecodePNG(path, size)
	if err != nil {
		return err
	}
	pngout.Pixels(img, size, channels, dst)
	return nil
}

// DecodePNG decodes the PNG at path and checks that it is size×size (the
// model's size). A file that is not a PNG, or of another size, is a
// *data.ParseError naming it.
func DecodePNG(path string, size int) (image.Image, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		return nil, &data.ParseError{File: path, Field: "png", Want: "a PNG image", Got: err.Error()}
	}
	if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
		return nil, &data.ParseError{File: path, Field: "size", Want: fmt.Sprintf("%d×%d (the model's size)", size, size), Got: fmt.Sprintf("%d×%d", b.Dx(), b.Dy())}
	}
	return img, nil
}
