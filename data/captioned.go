package data

import (
	"fmt"
	"sort"

	"github.com/diffusego/diffusego/tensor"
)

// Captioned is an image folder with a caption per image, as
// prompt-conditioned (text-to-image) training reads it: every image RGB
// at one size (resized and centre-cropped as ImageDir does), transparent
// pixels composited on white; RGBA, palette, grey and 16-bit PNGs and
// JPEGs are all converted. Images the caption file does not name have the
// caption "" and train unconditionally.
type Captioned struct {
	Dir *ImageDir
}

// OpenCaptioned indexes the images under root at size×size (checking
// every header) and reads their captions from file (CSV or JSON, see
// ReadCaptions). A caption file naming a missing image, naming one twice,
// with an empty caption, or captioning no image at all is refused with an
// error naming the file.
func OpenCaptioned(root, file string, size int) (*Captioned, error) {
	if size < 1 {
		return nil, fmt.Errorf("data: captioned folder %s: size %d: want a positive size", root, size)
	}
	d, err := OpenImageDir(root, ImageDirOptions{Size: size, Channels: 3, OnWhite: true})
	if err != nil {
		return nil, err
	}
	caps, err := d.ReadCaptions(file)
	if err != nil {
		return nil, err
	}
	for _, c := range caps {
		if c != "" {
			return &Captioned{Dir: d}, nil
		}
	}
	return nil, &ParseError{File: file, Field: "captions", Want: "a caption for at least one image in " + root, Got: "none"}
}

// Len is the number of images.
func (c *Captioned) Len() int { return c.Dir.Len() }

// Captions returns the caption of each image in idx.
func (c *Captioned) Captions(idx []int) []string {
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = c.Dir.Captions[j]
	}
	return out
}

// Batch decodes the images idx into (len(idx), 3, size, size) in
// [-1, 1], composited on white. Errors are *ParseError naming the file.
func (c *Captioned) Batch(idx []int) (*tensor.Tensor, error) {
	x, _, err := c.Dir.Batch(idx, nil)
	return x, err
}

// SplitByCaption holds out round(frac·k) (clamped to 0…k) of the k distinct non-empty
// captions, drawn with seed from their sorted list, with every item that
// carries one; the rest (uncaptioned items included) is train, in item
// order. The same captions, frac and seed give the same split, whatever
// the order of the items; test names are sorted.
func SplitByCaption(captions []string, frac float64, seed uint64) (train, test []int, testNames []string) {
	seen := map[string]bool{}
	var names []string
	for _, c := range captions {
		if c != "" && !seen[c] {
			seen[c] = true
			names = append(names, c)
		}
	}
	sort.Strings(names)
	k := max(0, min(len(names), int(frac*float64(len(names))+0.5)))
	held := map[string]bool{}
	for _, p := range tensor.NewRNG(seed).Perm(len(names))[:k] {
		held[names[p]] = true
		testNames = append(testNames, names[p])
	}
	sort.Strings(testNames)
	for i, c := range captions {
		if held[c] {
			test = append(test, i)
		} else {
			train = append(train, i)
		}
	}
	return train, test, testNames
}
