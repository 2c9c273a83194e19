package main

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tensor"
)

// fashionPrefix starts an image source (--images of anomaly, index) that
// names a Fashion-MNIST split instead of a folder.
const fashionPrefix = "fashion-mnist:"

// imageSet is a batch of images to score, with a name per image and the
// class labels when the source has them (nil for a PNG folder).
type imageSet struct {
	names  []string
	labels []int
	x      *tensor.Tensor // (N, C, H, W) in [−1, 1]
}

// loadImageSource reads the images named by spec for a model taking
// (channels, size, size) images. spec is a PNG file, a folder of PNGs,
// or fashion-mnist:SPLIT[?classes=C,…&range=FROM:TO] with SPLIT train or
// test, read from fashionDir: the images of the listed classes (all when
// absent), then positions [FROM, TO) of those.
func loadImageSource(spec, flag, fashionDir string, size, channels int) (*imageSet, error) {
	if strings.HasPrefix(spec, fashionPrefix) {
		return loadFashionSource(spec, flag, fashionDir, size, channels)
	}
	paths, err := listPNGs(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	set := &imageSet{names: make([]string, len(paths)), x: tensor.New(len(paths), channels, size, size)}
	per := channels * size * size
	for i, path := range paths {
		if err := readImage(path, size, channels, set.x.Data[i*per:(i+1)*per]); err != nil {
			return nil, fmt.Errorf("%s: %w", flag, err)
		}
		set.names[i] = filepath.Base(path)
	}
	return set, nil
}

// loadFashionSource reads a fashion-mnist:SPLIT[?…] source.
func loadFashionSource(spec, flag, fashionDir string, size, channels int) (*imageSet, error) {
	bad := func(format string, args ...any) error {
		return usagef("%s %q: %s (want fashion-mnist:train or fashion-mnist:test, optionally ?classes=3,7&range=0:1000)",
			flag, spec, fmt.Sprintf(format, args...))
	}
	split, query, _ := strings.Cut(strings.TrimPrefix(spec, fashionPrefix), "?")
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
	keep := keepClasses(labels, classes)
	if hi < 0 {
		hi = len(keep)
	}
	if hi > len(keep) {
		return nil, fmt.Errorf("%s %s: range ends at %d, but there are %d such images", flag, spec, hi, len(keep))
	}
	keep = keep[lo:hi]
	set := &imageSet{names: make([]string, len(keep))}
	set.x, set.labels = takeRows(x, labels, keep)
	for k, i := range keep {
		set.names[k] = fmt.Sprintf("%s/%d", split, i)
	}
	return set, nil
}
