package data

import (
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // registers JPEG with image.Decode
	_ "image/png"  // registers PNG with image.Decode
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/image/draw"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// ImageDirOptions says how an image folder becomes tensors.
type ImageDirOptions struct {
	// Size is the output height and width. Images are resized so that
	// their shorter side is Size (Catmull-Rom) and centre-cropped to
	// Size×Size. 0 keeps the images' own size, which must then be square
	// and the same for every image (OpenImageDir sets Size to the first
	// image's size and Exact to true).
	Size int
	// Exact refuses any image that is not already Size×Size instead of
	// resizing it.
	Exact bool
	// Channels is 1 (grey, ITU-R 601 luma) or 3 (RGB); 0 means 3.
	Channels int
	// Flip mirrors each image left-right with probability 1/2, drawn from
	// the stream passed to Batch (augmentation for training).
	Flip bool
	// OnWhite composites transparent pixels on white (Porter–Duff "over"
	// an opaque white image) instead of on black; emoji and other
	// pictures with transparent backgrounds are drawn on white.
	OnWhite bool
}

// ImageDir is an image folder indexed but not loaded: paths and labels are
// read when it is opened, pixels when a batch asks for them, so folders
// larger than memory stream. Class folders: root/<class>/…/*.png give
// class indices by sorted folder name; a folder with no sub-folders is one
// class. PNG and JPEG files (.png, .jpg, .jpeg, any case) are used; other
// files and hidden entries are skipped.
type ImageDir struct {
	Root    string
	Paths   []string // every image, sorted by class then path
	Labels  []int    // class index of each path
	Classes []string // class names; Classes[Labels[i]] is the folder of Paths[i]
	// Captions holds each path's caption once ReadCaptions has read a
	// caption file ("" for an image it does not name); nil before.
	Captions []string
	Options  ImageDirOptions
}

// OpenImageDir indexes root and checks every image's header (format and
// size, without decoding pixels). Errors are *ParseError naming the file.
func OpenImageDir(root string, opts ImageDirOptions) (*ImageDir, error) {
	if opts.Channels == 0 {
		opts.Channels = 3
	}
	if opts.Channels != 1 && opts.Channels != 3 {
		return nil, fmt.Errorf("data: image folder %s: channels %d: want 1 (grey) or 3 (RGB)", root, opts.Channels)
	}
	if opts.Size < 0 || (opts.Exact && opts.Size == 0) {
		return nil, fmt.Errorf("data: image folder %s: size %d: want a positive size (or 0 to keep the images' size, without Exact)", root, opts.Size)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("data: image folder: %w", err)
	}
	d := &ImageDir{Root: root, Options: opts}
	for _, e := range entries {
		if e.IsDir() && !hidden(e.Name()) {
			d.Classes = append(d.Classes, e.Name())
		}
	}
	if len(d.Classes) == 0 {
		d.Classes = []string{filepath.Base(filepath.Clean(root))}
		if d.Paths, err = listImages(root); err != nil {
			return nil, err
		}
		d.Labels = make([]int, len(d.Paths))
	} else {
		for _, e := range entries { // images beside class folders are ambiguous
			if !e.IsDir() && isImage(e.Name()) {
				p := filepath.Join(root, e.Name())
				return nil, &ParseError{File: p, Field: "location", Want: "images inside the class folders " + strings.Join(d.Classes, ", "), Got: "an image beside them"}
			}
		}
		for c, name := range d.Classes {
			paths, err := listImages(filepath.Join(root, name))
			if err != nil {
				return nil, err
			}
			d.Paths = append(d.Paths, paths...)
			for range paths {
				d.Labels = append(d.Labels, c)
			}
		}
	}
	if err := d.checkHeaders(); err != nil {
		return nil, err
	}
	return d, nil
}

func hidden(name string) bool { return strings.HasPrefix(name, ".") }

func isImage(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png", ".jpg", ".jpeg":
		return !hidden(name)
	}
	return false
}

// listImages returns the images under dir, sorted; none is an error.
func listImages(dir string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && p != dir && hidden(e.Name()) {
			return filepath.SkipDir
		}
		if !e.IsDir() && isImage(e.Name()) {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("data: image folder: %w", err)
	}
	if len(paths) == 0 {
		return nil, &ParseError{File: dir, Field: "images", Want: "at least one .png, .jpg or .jpeg file", Got: "none"}
	}
	sort.Strings(paths) // WalkDir is lexical already; say so explicitly
	return paths, nil
}

// checkHeaders reads each image's header: a file that is not a PNG or
// JPEG, or has the wrong size, is reported before any training starts.
func (d *ImageDir) checkHeaders() error {
	for _, p := range d.Paths {
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("data: %w", err)
		}
		cfg, format, err := image.DecodeConfig(f)
		f.Close()
		if err != nil {
			return &ParseError{File: p, Field: "header", Want: "a PNG or JPEG image", Got: err.Error()}
		}
		if err := d.checkSize(p, cfg.Width, cfg.Height, format); err != nil {
			return err
		}
		if d.Options.Size == 0 { // the first image fixes the size for all
			d.Options.Size, d.Options.Exact = cfg.Width, true
		}
	}
	return nil
}

func (d *ImageDir) checkSize(path string, w, h int, format string) error {
	s := d.Options.Size
	switch {
	case w < 1 || h < 1:
		return &ParseError{File: path, Field: "size", Want: "a non-empty image", Got: fmt.Sprintf("%d×%d", w, h)}
	case d.Options.Exact && (w != s || h != s):
		return &ParseError{File: path, Field: "size", Want: fmt.Sprintf("%d×%d", s, s), Got: fmt.Sprintf("%s %d×%d", format, w, h)}
	case s == 0 && w != h:
		return &ParseError{File: path, Field: "size", Want: "a square image (or a size to resize to)", Got: fmt.Sprintf("%s %d×%d", format, w, h)}
	}
	return nil
}

// Len returns the number of images.
func (d *ImageDir) Len() int { return len(d.Paths) }

// ClassIndex maps each class name to its index.
func (d *ImageDir) ClassIndex() map[string]int {
	m := make(map[string]int, len(d.Classes))
	for i, c := range d.Classes {
		m[c] = i
	}
	return m
}

// Shape returns the shape of one image: (Channels, Size, Size).
func (d *ImageDir) Shape() []int {
	return []int{d.Options.Channels, d.Options.Size, d.Options.Size}
}

// Batch decodes the images idx into x: (len(idx), Channels, Size, Size) in
// [-1, 1] and returns their labels. With Options.Flip, rng draws one coin
// per image (nil rng: no flips). Images are decoded in parallel; the
// result does not depend on how. Errors are *ParseError naming the file.
func (d *ImageDir) Batch(idx []int, rng *tensor.RNG) (x *tensor.Tensor, y []int, err error) {
	c, s := d.Options.Channels, d.Options.Size
	x = tensor.New(len(idx), c, s, s)
	y = make([]int, len(idx))
	per := c * s * s
	flips := make([]bool, len(idx)) // drawn in order, so decoding order does not matter
	for i, j := range idx {
		if j < 0 || j >= len(d.Paths) {
			return nil, nil, fmt.Errorf("data: image folder %s: index %d: want 0..%d", d.Root, j, len(d.Paths)-1)
		}
		flips[i] = d.Options.Flip && rng != nil && rng.Uniform() < 0.5
		y[i] = d.Labels[j]
	}
	errs := make([]error, len(idx))
	parallel.For(len(idx), 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			errs[i] = d.decode(d.Paths[idx[i]], x.Data[i*per:(i+1)*per], flips[i])
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, nil, err // the first in batch order
		}
	}
	return x, y, nil
}

// Load decodes every image at once: (Len, Channels, Size, Size) and the
// labels, without flips. Use it for folders that fit in memory.
func (d *ImageDir) Load() (*tensor.Tensor, []int, error) {
	idx := make([]int, d.Len())
	for i := range idx {
		idx[i] = i
	}
	return d.Batch(idx, nil)
}

// decode reads one image into dst (Channels·Size·Size values, CHW).
func (d *ImageDir) decode(path string, dst []float32, flip bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	src, format, err := image.Decode(f)
	if err != nil {
		return &ParseError{File: path, Field: "pixels", Want: "a PNG or JPEG image", Got: err.Error()}
	}
	b := src.Bounds()
	if err := d.checkSize(path, b.Dx(), b.Dy(), format); err != nil {
		return err
	}
	s := d.Options.Size
	rgba := image.NewRGBA(image.Rect(0, 0, s, s))
	op := draw.Src // premultiplied alpha: composited on black
	if d.Options.OnWhite {
		draw.Draw(rgba, rgba.Bounds(), image.White, image.Point{}, draw.Src)
		op = draw.Over
	}
	if b.Dx() == s && b.Dy() == s {
		draw.Draw(rgba, rgba.Bounds(), src, b.Min, op)
	} else {
		side := min(b.Dx(), b.Dy()) // centre square: shorter side scaled to s, the rest cropped
		r := image.Rect(0, 0, side, side).Add(b.Min).Add(image.Pt((b.Dx()-side)/2, (b.Dy()-side)/2))
		draw.CatmullRom.Scale(rgba, rgba.Bounds(), src, r, op, nil)
	}
	toUnit(rgba, d.Options.Channels, flip, dst)
	return nil
}

// toUnit writes img's pixels as CHW floats x = v/127.5 − 1 (alpha is
// premultiplied, i.e. composited on black unless decode drew img on
// white), mirrored when flip.
func toUnit(img *image.RGBA, channels int, flip bool, dst []float32) {
	s := img.Bounds().Dx()
	plane := s * s
	for yy := range s {
		for xx := range s {
			sx := xx
			if flip {
				sx = s - 1 - xx
			}
			p := img.Pix[yy*img.Stride+4*sx:]
			o := yy*s + xx
			if channels == 1 {
				g := color.GrayModel.Convert(color.RGBA{p[0], p[1], p[2], p[3]}).(color.Gray)
				dst[o] = float32(g.Y)/127.5 - 1
				continue
			}
			for c := range 3 {
				dst[c*plane+o] = float32(p[c])/127.5 - 1
			}
		}
	}
}
