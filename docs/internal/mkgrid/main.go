// Command mkgrid tiles sample PNGs named INDEX_cCLASS.png into a grid: row
// K holds the first -per images of class K in index order. It made the
// README's side-by-side grids:
//
//	go run ./docs/internal/mkgrid -in SAMPLES -out docs/img/NAME.png
package main

import (
	"flag"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"

	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

func main() {
	in := flag.String("in", "", "folder of INDEX_cCLASS.png images (28×28 grey)")
	out := flag.String("out", "grid.png", "output PNG")
	classes := flag.Int("classes", 10, "number of classes (rows)")
	per := flag.Int("per", 10, "images per class (columns)")
	flag.Parse()
	if err := run(*in, *out, *classes, *per); err != nil {
		fmt.Fprintln(os.Stderr, "mkgrid:", err)
		os.Exit(1)
	}
}

func run(in, out string, classes, per int) error {
	entries, err := os.ReadDir(in)
	if err != nil {
		return err
	}
	name := regexp.MustCompile(`^\d+_c(\d+)\.png$`)
	byClass := make([][]string, classes)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	for _, n := range names {
		m := name.FindStringSubmatch(n)
		if m == nil {
			continue
		}
		c, _ := strconv.Atoi(m[1])
		if c < classes && len(byClass[c]) < per {
			byClass[c] = append(byClass[c], filepath.Join(in, n))
		}
	}
	x := tensor.New(classes*per, 1, 28, 28)
	for c, paths := range byClass {
		if len(paths) < per {
			return fmt.Errorf("%s: class %d has %d images, want %d", in, c, len(paths), per)
		}
		for j, p := range paths {
			if err := readGrey(p, x.Data[(c*per+j)*784:(c*per+j+1)*784]); err != nil {
				return err
			}
		}
	}
	img, err := pngout.Grid(x, per, 2)
	if err != nil {
		return err
	}
	return pngout.WriteFile(out, img, map[string]string{"source": in})
}

func readGrey(path string, dst []float32) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	b := img.Bounds()
	if b.Dx() != 28 || b.Dy() != 28 {
		return fmt.Errorf("%s: %d×%d, want 28×28", path, b.Dx(), b.Dy())
	}
	for y := range 28 {
		for x := range 28 {
			dst[y*28+x] = float32(color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y)/127.5 - 1
		}
	}
	return nil
}
