package main

import (
	"fmt"
	"github.com/diffusego/diffusego/jobs"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tensor"
)

// sheetImages returns the pixels of the named images of an index, read
// back from its source, for the contact sheet: (len(names), C, H, W).
func sheetImages(source, dir string, names []string, shape []int) (*tensor.Tensor, error) {
	c, size := shape[0], shape[1]
	per := c * size * size
	out := tensor.New(len(names), c, size, size)
	if split, ok := strings.CutPrefix(source, jobs.FashionPrefix); ok {
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
		if err := jobs.ReadImage(filepath.Join(source, name), size, c, out.Data[i*per:(i+1)*per]); err != nil {
			return nil, fmt.Errorf("contact sheet: %w", err)
		}
	}
	return out, nil
}
