package emoji

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/data"
)

// writePNG saves img at path.
func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// fakeSet writes a tiny data set: n emoji in both styles, the Google
// pictures RGBA and the Twitter ones palette PNGs (as in the real set).
func fakeSet(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	var entries []string
	for i := range n {
		file := fmt.Sprintf("e%02d.png", i)
		entries = append(entries, fmt.Sprintf(`{"name":"Thing  Number %d","image":%q,"short_names":["thing_%d","Thing Number %d"],"category":"Cat%d","subcategory":"sub-%d","has_img_google":true,"has_img_twitter":%v}`,
			i, file, i, i, i%2, i%3, i != 0))
		rgba := image.NewRGBA(image.Rect(0, 0, Size, Size))
		rgba.Set(1, 2, color.RGBA{255, 0, 0, 255})
		writePNG(t, filepath.Join(dir, "google", "64", file), rgba)
		pal := image.NewPaletted(image.Rect(0, 0, Size, Size), color.Palette{color.RGBA{0, 0, 0, 0}, color.RGBA{0, 0, 255, 255}})
		pal.SetColorIndex(1, 2, 1)
		if i != 0 {
			writePNG(t, filepath.Join(dir, "twitter", "64", file), pal)
		}
	}
	js := "[" + strings.Join(entries, ",") + "]"
	for _, style := range []string{"google", "twitter"} {
		if err := os.WriteFile(filepath.Join(dir, style, "emoji.json"), []byte(js), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestOpen(t *testing.T) {
	dir := fakeSet(t, 4)
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Len(), 4+3; got != want { // emoji 0 has no Twitter picture
		t.Fatalf("Len = %d, want %d", got, want)
	}
	it := s.Items[1]
	if it.Caption != "thing number 1" || it.Style != "google" || it.Subcategory != "sub-1" {
		t.Errorf("Items[1] = %+v, want caption \"thing number 1\", google, sub-1", it)
	}
	if len(it.Alternatives) != 1 || it.Alternatives[0] != "thing 1" {
		t.Errorf("Alternatives = %q, want [\"thing 1\"] (the caption itself left out)", it.Alternatives)
	}
	if got := fmt.Sprint(s.Categories, s.Subcategories); got != "[Cat0 Cat1] [sub-0 sub-1 sub-2]" {
		t.Errorf("categories, subcategories = %s", got)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := fakeSet(t, 2)
	if err := os.Remove(filepath.Join(dir, "twitter", "64", "e01.png")); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir)
	var pe *data.ParseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "entry 1.image") || !strings.Contains(err.Error(), "e01.png") {
		t.Errorf("missing picture: err = %v, want a ParseError naming entry 1 and e01.png", err)
	}
	bad := t.TempDir()
	os.MkdirAll(filepath.Join(bad, "google"), 0o755)
	os.WriteFile(filepath.Join(bad, "google", "emoji.json"), []byte(`[{"name":null,"image":"a.png"}]`), 0o644)
	if _, err := Open(bad, "google"); err == nil || !strings.Contains(err.Error(), "entry 0.name") {
		t.Errorf("null name: err = %v, want one naming entry 0.name", err)
	}
	if _, err := Open(dir, "apple"); err == nil {
		t.Error("style apple: no error")
	}
}

func TestBatchOnWhite(t *testing.T) {
	s, err := Open(fakeSet(t, 2))
	if err != nil {
		t.Fatal(err)
	}
	x, err := s.Batch([]int{0, 2}) // google e00 (RGBA), twitter e01 (palette)
	if err != nil {
		t.Fatal(err)
	}
	plane := Size * Size
	at := func(n, c, y, xx int) float32 { return x.Data[n*3*plane+c*plane+y*Size+xx] }
	cases := []struct {
		name    string
		n, y, x int
		r, g, b float32
	}{
		{"transparent RGBA is white", 0, 0, 0, 1, 1, 1},
		{"opaque red", 0, 2, 1, 1, -1, -1},
		{"transparent palette entry is white", 1, 5, 5, 1, 1, 1},
		{"opaque palette blue", 1, 2, 1, -1, -1, 1},
	}
	for _, c := range cases {
		got := [3]float32{at(c.n, 0, c.y, c.x), at(c.n, 1, c.y, c.x), at(c.n, 2, c.y, c.x)}
		if got != [3]float32{c.r, c.g, c.b} {
			t.Errorf("%s: got %v, want %v", c.name, got, [3]float32{c.r, c.g, c.b})
		}
	}
	if _, err := s.Batch([]int{99}); err == nil {
		t.Error("index 99: no error")
	}
}

func TestOnWhiteHalfAlpha16(t *testing.T) {
	img := image.NewNRGBA64(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.NRGBA64{0, 0, 0, 0x8000}) // half-transparent black on white: mid grey
	var dst [3]float32
	OnWhite(img, dst[:])
	for c, v := range dst {
		if math.Abs(float64(v)) > 1e-4 {
			t.Errorf("channel %d = %v, want 0 (half-way between black and white)", c, v)
		}
	}
}

func TestSplitHoldsOutNames(t *testing.T) {
	s, err := Open(fakeSet(t, 20))
	if err != nil {
		t.Fatal(err)
	}
	a, b := s.Split(0.1, 7), s.Split(0.1, 7)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("same seed, different splits")
	}
	if len(a.TestNames) != 2 {
		t.Fatalf("TestNames = %q, want 2 of 20", a.TestNames)
	}
	held := map[string]bool{}
	for _, i := range a.Test {
		held[s.Items[i].Caption] = true
	}
	for _, i := range a.Train {
		if held[s.Items[i].Caption] {
			t.Errorf("caption %q in both train and test", s.Items[i].Caption)
		}
	}
	if len(a.Train)+len(a.Test) != s.Len() {
		t.Errorf("train %d + test %d ≠ %d", len(a.Train), len(a.Test), s.Len())
	}
	if c := s.Split(0.1, 8); fmt.Sprint(c.TestNames) == fmt.Sprint(a.TestNames) && fmt.Sprint(s.Split(0.1, 9).TestNames) == fmt.Sprint(a.TestNames) {
		t.Error("three seeds gave the same held-out names")
	}
}

// TestRealSet reads the fetched data set when make emoji has run.
func TestRealSet(t *testing.T) {
	dir := filepath.Join("..", "..", "out", "emoji")
	if _, err := os.Stat(filepath.Join(dir, "twitter", "emoji.json")); err != nil {
		t.Skip("out/emoji absent: run make emoji (needs npm)")
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sp := s.Split(0.1, 1)
	t.Logf("%d pictures, %d categories, %d subcategories; train %d, test %d (%d names held out)",
		s.Len(), len(s.Categories), len(s.Subcategories), len(sp.Train), len(sp.Test), len(sp.TestNames))
	x, err := s.Batch(sp.Test[:4])
	if err != nil {
		t.Fatal(err)
	}
	if x.Shape[0] != 4 {
		t.Errorf("batch shape %v", x.Shape)
	}
}
