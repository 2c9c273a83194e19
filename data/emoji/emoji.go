package emoji

import (
	"encoding/json"
	"fmt"
	"image"
	_ "image/png" // registers PNG with image.Decode
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Size is the side of every picture in the data set, in pixels.
const Size = 64

// Item is one picture: an emoji drawn in one style.
type Item struct {
	Name         string   // the Unicode name as emoji.json spells it ("Red Apple")
	Caption      string   // the name in lower case ("red apple")
	Alternatives []string // short names with '_' as a space ("apple"), without the caption
	Category     string   // emoji.json's category ("Food & Drink")
	Subcategory  string   // emoji.json's subcategory ("food-fruit")
	Style        string   // "google" or "twitter"
	Path         string   // the 64×64 PNG
}

// Set is the emoji data set as read by Open, sorted by style then by
// emoji.json order.
type Set struct {
	Items         []Item
	Categories    []string // sorted category names
	Subcategories []string // sorted subcategory names
}

// record is the part of one emoji.json entry that Open reads.
type record struct {
	Name        *string  `json:"name"`
	Image       string   `json:"image"`
	ShortNames  []string `json:"short_names"`
	Category    string   `json:"category"`
	Subcategory string   `json:"subcategory"`
	HasGoogle   bool     `json:"has_img_google"`
	HasTwitter  bool     `json:"has_img_twitter"`
}

// Open reads dir/STYLE/emoji.json for each style ("google", "twitter";
// none means both) and lists the pictures that exist under dir/STYLE/64.
// An entry without a name or image file name is an error naming the file
// and entry; a picture emoji.json says exists but that is missing is an
// error naming the picture.
func Open(dir string, styles ...string) (*Set, error) {
	if len(styles) == 0 {
		styles = []string{"google", "twitter"}
	}
	s := &Set{}
	cats, subs := map[string]bool{}, map[string]bool{}
	for _, style := range styles {
		if style != "google" && style != "twitter" {
			return nil, fmt.Errorf("emoji: style %q: want google or twitter", style)
		}
		file := filepath.Join(dir, style, "emoji.json")
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("emoji: %w (run make emoji)", err)
		}
		var recs []record
		if err := json.Unmarshal(raw, &recs); err != nil {
			return nil, &data.ParseError{File: file, Field: "entries", Want: "a JSON array of emoji", Got: err.Error()}
		}
		for i, r := range recs {
			field := fmt.Sprintf("entry %d", i)
			if r.Name == nil || strings.TrimSpace(*r.Name) == "" {
				return nil, &data.ParseError{File: file, Field: field + ".name", Want: "a name", Got: "none"}
			}
			if r.Image == "" || filepath.Base(r.Image) != r.Image {
				return nil, &data.ParseError{File: file, Field: field + ".image", Want: "a file name", Got: fmt.Sprintf("%q", r.Image)}
			}
			if (style == "google" && !r.HasGoogle) || (style == "twitter" && !r.HasTwitter) {
				continue
			}
			path := filepath.Join(dir, style, "64", r.Image)
			if _, err := os.Stat(path); err != nil {
				return nil, &data.ParseError{File: file, Field: field + ".image", Want: "a picture at " + path, Got: "none"}
			}
			caption := Caption(*r.Name)
			var alts []string
			for _, sn := range r.ShortNames {
				a := Caption(strings.ReplaceAll(sn, "_", " "))
				if a != caption && a != "" && !contains(alts, a) {
					alts = append(alts, a)
				}
			}
			s.Items = append(s.Items, Item{Name: *r.Name, Caption: caption, Alternatives: alts,
				Category: r.Category, Subcategory: r.Subcategory, Style: style, Path: path})
			cats[r.Category], subs[r.Subcategory] = true, true
		}
	}
	if len(s.Items) == 0 {
		return nil, fmt.Errorf("emoji: %s: no pictures for styles %v", dir, styles)
	}
	s.Categories, s.Subcategories = sortedKeys(cats), sortedKeys(subs)
	return s, nil
}

// Caption turns a Unicode name into a caption: lower case, with runs of
// spaces, '-' and '_' between words kept as written except that leading,
// trailing and repeated spaces are removed ("Red  Apple " → "red apple").
func Caption(name string) string {
	return strings.Join(strings.Fields(strings.ToLower(name)), " ")
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]bool) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Len returns the number of pictures.
func (s *Set) Len() int { return len(s.Items) }

// Captions returns the caption of each item in idx.
func (s *Set) Captions(idx []int) []string {
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = s.Items[j].Caption
	}
	return out
}

// Split is a partition of a Set's item indices by caption.
type Split struct {
	Train, Test []int // item indices, in Set order
	TestNames   []string
}

// Split holds out round(frac·names) distinct captions, drawn with seed,
// with every picture that carries one (in every style); the rest is
// Train. The same seed and set give the same split.
func (s *Set) Split(frac float64, seed uint64) Split {
	var names []string
	seen := map[string]bool{}
	for _, it := range s.Items {
		if !seen[it.Caption] {
			seen[it.Caption] = true
			names = append(names, it.Caption)
		}
	}
	sort.Strings(names) // independent of file order
	k := int(frac*float64(len(names)) + 0.5)
	perm := tensor.NewRNG(seed).Perm(len(names))
	held := map[string]bool{}
	var sp Split
	for _, p := range perm[:k] {
		held[names[p]] = true
		sp.TestNames = append(sp.TestNames, names[p])
	}
	sort.Strings(sp.TestNames)
	for i, it := range s.Items {
		if held[it.Caption] {
			sp.Test = append(sp.Test, i)
		} else {
			sp.Train = append(sp.Train, i)
		}
	}
	return sp
}

// Batch decodes the items idx into x: (len(idx), 3, 64, 64) in [-1, 1],
// composited on white. Errors are *data.ParseError naming the file.
func (s *Set) Batch(idx []int) (*tensor.Tensor, error) {
	per := 3 * Size * Size
	x := tensor.New(len(idx), 3, Size, Size)
	for _, j := range idx {
		if j < 0 || j >= len(s.Items) {
			return nil, fmt.Errorf("emoji: index %d: want 0..%d", j, len(s.Items)-1)
		}
	}
	errs := make([]error, len(idx))
	parallel.For(len(idx), 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			errs[i] = decode(s.Items[idx[i]].Path, x.Data[i*per:(i+1)*per])
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return x, nil
}

func decode(path string, dst []float32) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("emoji: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return &data.ParseError{File: path, Field: "pixels", Want: "a PNG image", Got: err.Error()}
	}
	if b := img.Bounds(); b.Dx() != Size || b.Dy() != Size {
		return &data.ParseError{File: path, Field: "size", Want: fmt.Sprintf("%d×%d", Size, Size), Got: fmt.Sprintf("%d×%d", b.Dx(), b.Dy())}
	}
	OnWhite(img, dst)
	return nil
}

// OnWhite writes img (any colour model: RGBA, palette, 16-bit, grey) as
// CHW floats in [-1, 1] composited on white: with premultiplied 16-bit
// colour c and alpha a, the value is (c + (65535 − a))/65535 mapped to
// [-1, 1]. dst holds 3·W·H values.
func OnWhite(img image.Image, dst []float32) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	plane := w * h
	for y := range h {
		for x := range w {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA() // premultiplied, 0..65535
			o := y*w + x
			for c, v := range [3]uint32{r, g, bl} {
				dst[c*plane+o] = float32(v+0xffff-a)/32767.5 - 1
			}
		}
	}
}
