package data

import (
	"fmt"
	"path/filepath"

	"github.com/diffusego/diffusego/tensor"
)

// PairedOptions says how a paired folder becomes tensors.
type PairedOptions struct {
	Size           int // height and width every image must have
	InputChannels  int // channels of the inputs: 1 (grey) or 3 (RGB)
	TargetChannels int // channels of the targets: 1 or 3
}

// PairedDir is an image-to-image data set: Input/<name> is the input of
// the target Target/<name> (same relative path), both Size×Size PNG or
// JPEG images. Batch returns each target followed by its input along the
// channel axis, (N, TargetChannels + InputChannels, Size, Size), so a
// pair travels through batching, subsets and resumed runs as one item;
// labels are all 0. There is no augmentation.
type PairedDir struct {
	Input, Target *ImageDir // the two folders, Paths in the same order
}

// OpenPairedDir indexes the folders input and target, pairs their images
// by relative path and checks every header. A name without a partner, or
// an image that is not Size×Size, is a *ParseError naming the file.
func OpenPairedDir(input, target string, opts PairedOptions) (*PairedDir, error) {
	open := func(root string, channels int) (*ImageDir, map[string]string, error) {
		paths, err := listImages(root)
		if err != nil {
			return nil, nil, err
		}
		d := &ImageDir{Root: root, Paths: paths, Labels: make([]int, len(paths)), Classes: []string{filepath.Base(filepath.Clean(root))},
			Options: ImageDirOptions{Size: opts.Size, Exact: true, Channels: channels}}
		if channels != 1 && channels != 3 {
			return nil, nil, fmt.Errorf("data: paired folder %s: channels %d: want 1 (grey) or 3 (RGB)", root, channels)
		}
		if opts.Size < 1 {
			return nil, nil, fmt.Errorf("data: paired folder %s: size %d: want ≥ 1", root, opts.Size)
		}
		byName := map[string]string{}
		for _, p := range paths {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return nil, nil, fmt.Errorf("data: paired folder: %w", err)
			}
			byName[rel] = p
		}
		return d, byName, nil
	}
	in, inNames, err := open(input, opts.InputChannels)
	if err != nil {
		return nil, err
	}
	tg, tgNames, err := open(target, opts.TargetChannels)
	if err != nil {
		return nil, err
	}
	// Pair in the target's (sorted) order; every name must have a partner.
	inPaths := in.Paths
	in.Paths = make([]string, 0, len(tg.Paths))
	for _, p := range tg.Paths {
		rel, _ := filepath.Rel(target, p)
		q, ok := inNames[rel]
		if !ok {
			return nil, &ParseError{File: p, Field: "pair", Want: "an input image " + filepath.Join(input, rel), Got: "none"}
		}
		in.Paths = append(in.Paths, q)
	}
	for _, q := range inPaths {
		rel, _ := filepath.Rel(input, q)
		if _, ok := tgNames[rel]; !ok {
			return nil, &ParseError{File: q, Field: "pair", Want: "a target image " + filepath.Join(target, rel), Got: "none"}
		}
	}
	if err := tg.checkHeaders(); err != nil {
		return nil, err
	}
	if err := in.checkHeaders(); err != nil {
		return nil, err
	}
	return &PairedDir{Input: in, Target: tg}, nil
}

// Len returns the number of pairs.
func (d *PairedDir) Len() int { return len(d.Target.Paths) }

// Shape returns the shape of one item: (TargetChannels + InputChannels, Size, Size).
func (d *PairedDir) Shape() []int {
	s := d.Target.Options.Size
	return []int{d.Target.Options.Channels + d.Input.Options.Channels, s, s}
}

// Batch decodes pairs idx into (len(idx), TargetChannels + InputChannels,
// Size, Size) in [−1, 1], target channels first; labels are 0. rng is
// unused.
func (d *PairedDir) Batch(idx []int, _ *tensor.RNG) (*tensor.Tensor, []int, error) {
	t, y, err := d.Target.Batch(idx, nil)
	if err != nil {
		return nil, nil, err
	}
	in, _, err := d.Input.Batch(idx, nil)
	if err != nil {
		return nil, nil, err
	}
	n, ct, ci, hw := len(idx), t.Dim(1), in.Dim(1), t.Dim(2)*t.Dim(3)
	x := tensor.New(n, ct+ci, t.Dim(2), t.Dim(3))
	for i := range n {
		copy(x.Data[i*(ct+ci)*hw:], t.Data[i*ct*hw:(i+1)*ct*hw])
		copy(x.Data[(i*(ct+ci)+ct)*hw:], in.Data[i*ci*hw:(i+1)*ci*hw])
	}
	return x, y, nil
}
