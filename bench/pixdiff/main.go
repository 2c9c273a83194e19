// Command pixdiff compares two folders of grey PNG images paired by file
// name (as diffuse sample writes them: INDEX_cCLASS.png, grid.png left
// out) and prints the mean absolute pixel difference in grey levels of
// 255, over all pixels of all pairs, with the largest per-image mean and
// the number of pairs:
//
//	go run ./bench/pixdiff A B
//	pairs 1000  mean |A−B| 2.31 grey levels  (largest image mean 9.8)
//
// bench/bf16.sh uses it for the fp32 against bf16 samples of the same
// seed.
package main

import (
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: pixdiff DIR_A DIR_B")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "pixdiff:", err)
		os.Exit(1)
	}
}

func run(dirA, dirB string) error {
	names, err := filepath.Glob(filepath.Join(dirA, "*.png"))
	if err != nil {
		return err
	}
	sort.Strings(names)
	var sum, largest float64
	var pixels, pairs int
	for _, pa := range names {
		base := filepath.Base(pa)
		if base == "grid.png" || base == "trajectory.png" {
			continue
		}
		a, err := readGrey(pa)
		if err != nil {
			return err
		}
		b, err := readGrey(filepath.Join(dirB, base))
		if err != nil {
			return err
		}
		if a.Rect != b.Rect {
			return fmt.Errorf("%s: %v in %s, %v in %s", base, a.Rect, dirA, b.Rect, dirB)
		}
		var s float64
		for i := range a.Pix {
			s += math.Abs(float64(a.Pix[i]) - float64(b.Pix[i]))
		}
		sum += s
		pixels += len(a.Pix)
		largest = max(largest, s/float64(len(a.Pix)))
		pairs++
	}
	if pairs == 0 {
		return fmt.Errorf("%s: no PNG images besides grid.png", dirA)
	}
	fmt.Printf("pairs %d  mean |A−B| %.3f grey levels  (largest image mean %.2f)\n", pairs, sum/float64(pixels), largest)
	return nil
}

// readGrey decodes the PNG at path as 8-bit grey.
func readGrey(path string) (*image.Gray, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if g, ok := img.(*image.Gray); ok {
		return g, nil
	}
	if !strings.HasSuffix(path, ".png") {
		return nil, fmt.Errorf("%s: not a PNG", path)
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
	return g, nil
}
