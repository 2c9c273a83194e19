package classifier

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/data/emoji"
	"github.com/diffusego/diffusego/tensor"
)

// emojiDir is the emoji set written by make emoji at the module root.
const emojiDir = "../../out/emoji"

func tinyEmoji() EmojiConfig {
	return EmojiConfig{Size: 16, Channels: [4]int{2, 3, 2, 2}, Hidden: 5, Categories: 3, Subcategories: 4}
}

// TestEmojiGrad checks both heads' gradients (their sum) by finite
// differences.
func TestEmojiGrad(t *testing.T) {
	m, err := NewEmoji(tinyEmoji(), tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	var ps []*autograd.Var
	for _, p := range m.Params() {
		ps = append(ps, p.V)
	}
	f := func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
		c, s := m.Forward(g, x)
		return g.Add(g.Sum(g.Mul(c, c), nil, false), g.Sum(s, nil, false))
	}
	gradcheck.Check(t, f, gradcheck.Rand([]int{2, 3, 16, 16}, 4), gradcheck.Tol{Rel: 2e-2, Abs: 2e-3, Step: 1e-4}, ps...)
}

// TestEmojiLearnsAndSaves: on 24 pictures (32×32) whose category is the colour
// and whose subcategory the position of a square, 40 steps fit both heads
// (time budget: well under a second); the saved network predicts the same
// after loading, and label names it does not know are refused.
func TestEmojiLearnsAndSaves(t *testing.T) {
	cfg := tinyEmoji()
	cfg.Size, cfg.Channels, cfg.Hidden = 32, [4]int{8, 8, 8, 8}, 16
	m, err := NewEmoji(cfg, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	m.CategoryNames, m.SubcategoryNames = []string{"r", "g", "b"}, []string{"tl", "tr", "bl", "br"}
	x := tensor.New(24, 3, 32, 32)
	for i := range x.Data {
		x.Data[i] = 1
	}
	cat, sub := make([]int, 24), make([]int, 24)
	for i := range 24 {
		cat[i], sub[i] = i%3, (i/3)%4
		ox, oy := 16*(sub[i]%2), 16*(sub[i]/2)
		for y := oy; y < oy+16; y++ {
			for xx := ox; xx < ox+16; xx++ {
				x.Data[i*3072+cat[i]*1024+y*32+xx] = -1
			}
		}
	}
	err = TrainEmoji(context.Background(), m, x, cat, sub, EmojiTrainConfig{Epochs: 40, Batch: 24, LR: 1e-2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	pc, ps, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	right := 0
	for i := range pc {
		if pc[i] == cat[i] && ps[i] == sub[i] {
			right++
		}
	}
	if right < 22 {
		t.Errorf("%d of 24 pictures with both labels right after training, want ≥ 22", right)
	}
	path := filepath.Join(t.TempDir(), "e.safetensors")
	if err := SaveEmoji(path, m, map[string]string{"note": "test"}); err != nil {
		t.Fatal(err)
	}
	got, meta, err := LoadEmojiFile(path)
	if err != nil {
		t.Fatal(err)
	}
	qc, qs, _ := got.Predict(x)
	for i := range qc {
		if qc[i] != pc[i] || qs[i] != ps[i] {
			t.Fatalf("loaded network predicts differently on picture %d", i)
		}
	}
	if meta["note"] != "test" || got.SubcategoryNames[3] != "br" {
		t.Errorf("metadata %v, names %v: want note and the label names back", meta, got.SubcategoryNames)
	}
	if _, _, err := got.EmojiLabels([]string{"r", "purple"}, nil); err == nil {
		t.Error("unknown category: no error")
	}
	if _, err := got.Embed(tensor.New(1, 3, 16, 16)); err == nil {
		t.Error("16×16 pictures for a 32×32 network: no error")
	}
}

// TestShippedEmojiAccuracy recomputes the shipped network's accuracy on
// the held-out names' pictures and checks it equals what its metadata
// states. Needs make emoji; time budget: about a second.
func TestShippedEmojiAccuracy(t *testing.T) {
	if _, err := os.Stat(emojiDir); err != nil {
		t.Skipf("emoji set not at %s (make emoji)", emojiDir)
	}
	m, meta, err := LoadEmoji()
	if err != nil {
		t.Fatal(err)
	}
	set, err := emoji.Open(emojiDir)
	if err != nil {
		t.Fatal(err)
	}
	sp := set.Split(0.1, 1)
	x, err := set.Batch(sp.Test)
	if err != nil {
		t.Fatal(err)
	}
	var cats, subs []string
	for _, i := range sp.Test {
		cats, subs = append(cats, set.Items[i].Category), append(subs, set.Items[i].Subcategory)
	}
	wc, ws, err := m.EmojiLabels(cats, subs)
	if err != nil {
		t.Fatal(err)
	}
	pc, ps, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	var a, b float64
	for i := range pc {
		if pc[i] == wc[i] {
			a++
		}
		if ps[i] == ws[i] {
			b++
		}
	}
	a, b = a/float64(len(pc)), b/float64(len(pc))
	for key, got := range map[string]float64{"heldout_category_accuracy": a, "heldout_subcat_accuracy": b} {
		stated, err := strconv.ParseFloat(meta[key], 64)
		if err != nil || math.Abs(stated-got) > 0.003 {
			t.Errorf("%s: measured %.4f, stated %q", key, got, meta[key])
		}
	}
	t.Logf("held-out pictures: category %.4f, subcategory %.4f", a, b)
	if a < 0.5 {
		t.Errorf("held-out category accuracy %.4f: want ≥ 0.5 (chance is 0.1)", a)
	}
}

// TestNewEmojiRefuses: an invalid config is an error naming the field, and
// no network, instead of a panic.
func TestNewEmojiRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*EmojiConfig)
		want string
	}{
		{"size not a multiple of 16", func(c *EmojiConfig) { c.Size = 40 }, `field "size"`},
		{"no hidden features", func(c *EmojiConfig) { c.Hidden = 0 }, `"hidden"`},
		{"a channel count of 0", func(c *EmojiConfig) { c.Channels[2] = 0 }, `field "channels[2]"`},
	} {
		cfg := tinyEmoji()
		c.edit(&cfg)
		m, err := NewEmoji(cfg, tensor.NewRNG(1))
		if err == nil || m != nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: net %v, err %v; want an error naming %s", c.name, m, err, c.want)
		}
	}
}
