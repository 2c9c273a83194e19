package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOpenCaptioned: the RGBA, palette and 16-bit PNGs of captionFolder
// are read as RGB with transparent pixels on white (opaque ones as they
// are), at the asked size, with their captions ("" for an image the file
// does not name).
func TestOpenCaptioned(t *testing.T) {
	root := captionFolder(t)
	file := filepath.Join(t.TempDir(), "caps.csv")
	if err := os.WriteFile(file, []byte("file,caption\ncats/a.png,a blue cat\ncats/c.png,a green cat\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := OpenCaptioned(root, file, 4)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Captions([]int{0, 1, 2}), "|"); c.Len() != 3 || got != "a blue cat||a green cat" {
		t.Errorf("%d images, captions %q: want 3 and \"a blue cat||a green cat\"", c.Len(), got)
	}
	x, err := c.Batch([]int{0, 1, 2})
	if err != nil {
		t.Fatal(err)
	}
	plane := 16
	pixel := func(i, at int) [3]float32 {
		return [3]float32{x.Data[i*3*plane+at], x.Data[i*3*plane+plane+at], x.Data[i*3*plane+2*plane+at]}
	}
	cases := []struct {
		name   string
		img, p int
		want   [3]float32
	}{
		{"RGBA opaque blue", 0, 0, [3]float32{-1, -1, 1}},
		{"RGBA transparent on white", 0, 5, [3]float32{1, 1, 1}},
		{"palette opaque red", 1, 0, [3]float32{1, -1, -1}},
		{"palette opaque black", 1, 5, [3]float32{-1, -1, -1}},
		{"16-bit opaque green", 2, 0, [3]float32{-1, 1, -1}},
		{"16-bit transparent on white", 2, 5, [3]float32{1, 1, 1}},
	}
	for _, cc := range cases {
		if got := pixel(cc.img, cc.p); got != cc.want {
			t.Errorf("%s: image %d pixel %d = %v, want %v", cc.name, cc.img, cc.p, got, cc.want)
		}
	}
	small, err := OpenCaptioned(root, file, 2) // resized to the model's size
	if err != nil {
		t.Fatal(err)
	}
	if y, err := small.Batch([]int{1}); err != nil || !slices.Equal(y.Shape, []int{1, 3, 2, 2}) {
		t.Errorf("at size 2: %v, %v: want (1, 3, 2, 2)", y, err)
	}
}

func TestOpenCaptionedErrors(t *testing.T) {
	root := captionFolder(t)
	cases := []struct{ name, file, body, want string }{
		{"missing image", "c.csv", "file,caption\ncats/a.png,x\ncats/zz.png,y\n", `c.csv:3: field "file": want an image in`},
		{"no captions", "c.json", `{}`, `field "captions": want a caption for at least one image`},
		{"empty caption", "c.csv", "file,caption\ncats/a.png,\n", "want a non-empty caption"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), c.file)
			if err := os.WriteFile(file, []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := OpenCaptioned(root, file, 4)
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want a ParseError containing %q", err, c.want)
			}
		})
	}
	if _, err := OpenCaptioned(root, filepath.Join(root, "none.csv"), 4); err == nil {
		t.Error("a missing caption file: no error")
	}
	if _, err := OpenCaptioned(root, filepath.Join(root, "none.csv"), 0); err == nil || !strings.Contains(err.Error(), "size 0") {
		t.Errorf("size 0: err = %v", err)
	}
}

// TestSplitByCaption: held-out captions are round(frac·k) of the k
// distinct non-empty ones, every item of a held-out caption is in test,
// uncaptioned items train, and the held-out names do not depend on the
// items' order.
func TestSplitByCaption(t *testing.T) {
	var caps []string
	for i := range 40 {
		caps = append(caps, fmt.Sprintf("thing %d", i%20)) // 20 names, two items each
	}
	caps = append(caps, "", "")
	for _, c := range []struct {
		frac float64
		want int
	}{{0, 0}, {0.1, 2}, {0.25, 5}, {1, 20}, {2, 20}, {-1, 0}} {
		train, test, names := SplitByCaption(caps, c.frac, 3)
		if len(names) != c.want || len(test) != 2*c.want || len(train)+len(test) != len(caps) {
			t.Errorf("frac %g: %d names, %d test, %d train: want %d names, %d test, the rest train", c.frac, len(names), len(test), len(train), c.want, 2*c.want)
		}
		held := map[string]bool{}
		for _, n := range names {
			held[n] = true
		}
		for _, i := range train {
			if held[caps[i]] {
				t.Errorf("frac %g: item %d (%q) is in train but its caption is held out", c.frac, i, caps[i])
			}
		}
		for _, i := range test {
			if !held[caps[i]] {
				t.Errorf("frac %g: item %d (%q) is in test but its caption is not held out", c.frac, i, caps[i])
			}
		}
	}
	_, _, a := SplitByCaption(caps, 0.25, 3)
	rev := slices.Clone(caps)
	slices.Reverse(rev)
	_, _, b := SplitByCaption(rev, 0.25, 3)
	_, _, other := SplitByCaption(caps, 0.25, 4)
	if !slices.Equal(a, b) {
		t.Errorf("held-out names depend on the items' order: %q and %q", a, b)
	}
	if slices.Equal(a, other) {
		t.Errorf("seeds 3 and 4 hold out the same names %q", a)
	}
}
