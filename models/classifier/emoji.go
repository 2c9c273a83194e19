package classifier

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"strconv"
	"time"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// EmojiConfig sizes the emoji classifier: colour images of side Size
// (divisible by 16), four 3×3 convolutions of the given widths, each
// followed by ReLU and 2×2 average pooling, a hidden layer of Hidden
// features and two heads.
type EmojiConfig struct {
	Size          int    `json:"size"`
	Channels      [4]int `json:"channels"`
	Hidden        int    `json:"hidden"`
	Categories    int    `json:"categories"`
	Subcategories int    `json:"subcategories"`
}

// DefaultEmojiConfig is the shipped emoji network: 64×64 RGB, widths 16,
// 32, 64, 64, 128 features, 10 categories and 99 subcategories (the
// emoji data set's counts).
func DefaultEmojiConfig() EmojiConfig {
	return EmojiConfig{Size: 64, Channels: [4]int{16, 32, 64, 64}, Hidden: 128, Categories: 10, Subcategories: 99}
}

// Validate names the first field that cannot make a network.
func (c EmojiConfig) Validate() error {
	switch {
	case c.Size < 16 || c.Size%16 != 0:
		return fmt.Errorf("emoji classifier config: field \"size\": want a positive multiple of 16, got %d", c.Size)
	case c.Hidden < 1 || c.Categories < 1 || c.Subcategories < 1:
		return fmt.Errorf("emoji classifier config: fields \"hidden\", \"categories\", \"subcategories\": want positive, got %d, %d, %d", c.Hidden, c.Categories, c.Subcategories)
	}
	for i, w := range c.Channels {
		if w < 1 {
			return fmt.Errorf("emoji classifier config: field \"channels[%d]\": want positive, got %d", i, w)
		}
	}
	return nil
}

// EmojiNet classifies an emoji picture into its category and its
// subcategory (emoji.json's two levels, e.g. "Food & Drink" and
// "food-fruit"):
//
//	(N,3,64,64) → 4 × [conv3×3 → ReLU → avgpool 2] → (N,64,4,4) → flatten →
//	fc → ReLU → (N,Hidden) features → cat (N,Categories), sub (N,Subcategories)
//
// Its features are the space the Fréchet distance of emoji samples is
// measured in; its predictions score prompted samples. Parameter names:
// conv0…conv3, fc, cat, sub.
type EmojiNet struct {
	Config   EmojiConfig
	Convs    [4]*nn.Conv2d
	FC       *nn.Linear
	Cat, Sub *nn.Linear
	// CategoryNames and SubcategoryNames name the heads' outputs in
	// order; they are saved with the weights.
	CategoryNames, SubcategoryNames []string
}

// NewEmoji builds an EmojiNet with PyTorch's default initialisation drawn
// from rng. An invalid cfg is an error naming the field (Validate).
func NewEmoji(cfg EmojiConfig, rng *tensor.RNG) (*EmojiNet, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &EmojiNet{Config: cfg}
	in := 3
	for i, w := range cfg.Channels {
		m.Convs[i] = nn.NewConv2d(nn.Join("conv", i), in, w, 3, 1, 1, true, rng)
		in = w
	}
	flat := in * (cfg.Size / 16) * (cfg.Size / 16)
	m.FC = nn.NewLinear("fc", flat, cfg.Hidden, true, rng)
	m.Cat = nn.NewLinear("cat", cfg.Hidden, cfg.Categories, true, rng)
	m.Sub = nn.NewLinear("sub", cfg.Hidden, cfg.Subcategories, true, rng)
	return m, nil
}

// Params lists conv0…conv3, fc, cat and sub's weights and biases.
func (m *EmojiNet) Params() []*nn.Param {
	return nn.Collect(m.Convs[0], m.Convs[1], m.Convs[2], m.Convs[3], m.FC, m.Cat, m.Sub)
}

// Features maps x: (N, 3, Size, Size) in [-1, 1] to (N, Hidden).
func (m *EmojiNet) Features(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	h := x
	for _, c := range m.Convs {
		h = g.AvgPool2d(g.ReLU(c.Forward(g, h)), 2, 2)
	}
	h = g.Reshape(h, h.Shape()[0], -1)
	return g.ReLU(m.FC.Forward(g, h))
}

// Forward returns the category and subcategory logits of x.
func (m *EmojiNet) Forward(g *autograd.Graph, x *autograd.Var) (cat, sub *autograd.Var) {
	f := m.Features(g, x)
	return m.Cat.Forward(g, f), m.Sub.Forward(g, f)
}

func (m *EmojiNet) checkImages(x *tensor.Tensor) error {
	s := m.Config.Size
	if x.Rank() != 4 || x.Shape[1] != 3 || x.Shape[2] != s || x.Shape[3] != s {
		return fmt.Errorf("emoji classifier: images %s: want (N, 3, %d, %d)", tensor.FormatShape(x.Shape), s, s)
	}
	return nil
}

// Embed maps images (N, 3, Size, Size) to their features (N, Hidden), in
// batches of 256 without recording a graph.
func (m *EmojiNet) Embed(images *tensor.Tensor) (*tensor.Tensor, error) {
	if err := m.checkImages(images); err != nil {
		return nil, err
	}
	n, per, h := images.Dim(0), images.Len()/max(images.Dim(0), 1), m.Config.Hidden
	out := tensor.New(n, h)
	for lo := 0; lo < n; lo += 256 {
		hi := min(lo+256, n)
		x := tensor.FromData(images.Data[lo*per:hi*per], append([]int{hi - lo}, images.Shape[1:]...)...)
		f := m.Features(autograd.NoGrad(), autograd.NewVar(x)).Value
		copy(out.Data[lo*h:hi*h], f.Data)
	}
	return out, nil
}

// Predict returns the most likely category and subcategory of each image.
func (m *EmojiNet) Predict(images *tensor.Tensor) (cat, sub []int, err error) {
	if err := m.checkImages(images); err != nil {
		return nil, nil, err
	}
	n, per := images.Dim(0), images.Len()/max(images.Dim(0), 1)
	for lo := 0; lo < n; lo += 256 {
		hi := min(lo+256, n)
		x := tensor.FromData(images.Data[lo*per:hi*per], append([]int{hi - lo}, images.Shape[1:]...)...)
		c, s := m.Forward(autograd.NoGrad(), autograd.NewVar(x))
		cat = append(cat, argmaxRows(c.Value)...)
		sub = append(sub, argmaxRows(s.Value)...)
	}
	return cat, sub, nil
}

// argmaxRows is the index of the largest logit of each row of logits
// (N, K), the first on ties.
func argmaxRows(logits *tensor.Tensor) []int {
	n, k := logits.Dim(0), logits.Dim(1)
	out := make([]int, n)
	for i := range n {
		row := logits.Data[i*k : (i+1)*k]
		for j, v := range row {
			if v > row[out[i]] {
				out[i] = j
			}
		}
	}
	return out
}

// EmojiTrainConfig says how TrainEmoji runs.
type EmojiTrainConfig struct {
	Epochs int     // passes over the data
	Batch  int     // images per step
	LR     float64 // peak Adam rate; cosine decay to LR/20 after min(50, steps/10) warm-up steps
	Seed   uint64  // shuffling and augmentation
	// Shift is the largest random translation in pixels (the uncovered
	// border is filled with white, the pictures' background); 0 for none.
	Shift int
	// Flip mirrors half the pictures left to right.
	Flip bool
	Log  io.Writer // a line per epoch; nil for none
}

// TrainEmoji fits m to images (N, 3, Size, Size) with category and
// subcategory labels, minimising the sum of the two cross-entropies with
// Adam. A non-finite loss stops it (autograd.ErrNonFinite) before the
// parameters change.
func TrainEmoji(ctx context.Context, m *EmojiNet, images *tensor.Tensor, cat, sub []int, cfg EmojiTrainConfig) (err error) {
	defer tensor.Recover(&err)
	if err := m.checkImages(images); err != nil {
		return err
	}
	n := images.Dim(0)
	if len(cat) != n || len(sub) != n {
		return fmt.Errorf("emoji classifier: %d images, %d category and %d subcategory labels", n, len(cat), len(sub))
	}
	for i := range n {
		if cat[i] < 0 || cat[i] >= m.Config.Categories || sub[i] < 0 || sub[i] >= m.Config.Subcategories {
			return fmt.Errorf("emoji classifier: image %d: labels (%d, %d): want below (%d, %d)", i, cat[i], sub[i], m.Config.Categories, m.Config.Subcategories)
		}
	}
	if cfg.Batch < 1 || cfg.Epochs < 1 || n < cfg.Batch {
		return fmt.Errorf("emoji classifier: %d epochs of batch %d over %d images: want ≥ 1 each and batch ≤ images", cfg.Epochs, cfg.Batch, n)
	}
	perEpoch := n / cfg.Batch
	total := perEpoch * cfg.Epochs
	sched := optim.WarmupCosine{Peak: cfg.LR, Floor: cfg.LR / 20, Warmup: min(50, total/10), Total: total}
	opt := optim.NewAdam(m.Params(), cfg.LR, 0.9, 0.999, 1e-8, 0)
	rng := tensor.NewRNG(cfg.Seed)
	per, s := images.Len()/n, m.Config.Size
	xb := tensor.New(cfg.Batch, 3, s, s)
	yc, ys := make([]int, cfg.Batch), make([]int, cfg.Batch)
	step := 0
	for epoch := range cfg.Epochs {
		start, sum := time.Now(), 0.0
		perm := rng.Perm(n)
		for b := range perEpoch {
			if err := ctx.Err(); err != nil {
				return err
			}
			for i, j := range perm[b*cfg.Batch : (b+1)*cfg.Batch] {
				dx, dy := 0, 0
				if cfg.Shift > 0 {
					dx, dy = rng.Intn(2*cfg.Shift+1)-cfg.Shift, rng.Intn(2*cfg.Shift+1)-cfg.Shift
				}
				flip := cfg.Flip && rng.Intn(2) == 1
				shiftCopy(xb.Data[i*per:(i+1)*per], images.Data[j*per:(j+1)*per], s, dx, dy, flip)
				yc[i], ys[i] = cat[j], sub[j]
			}
			g := autograd.NewPooled()
			lc, ls := m.Forward(g, autograd.NewVar(xb))
			loss := g.Add(g.CrossEntropy(lc, yc), g.CrossEntropy(ls, ys))
			v := float64(loss.Value.Data[0])
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("emoji classifier: step %d: loss %v: %w", step, v, autograd.ErrNonFinite)
			}
			opt.ZeroGrad()
			if err := g.Backward(loss); err != nil {
				return fmt.Errorf("emoji classifier: step %d: %w", step, err)
			}
			opt.SetLR(sched.LR(step))
			if err := opt.Step(); err != nil {
				return fmt.Errorf("emoji classifier: step %d: %w", step, err)
			}
			sum += v
			step++
		}
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "emoji classifier: epoch %d/%d: loss %.4f (%.0f images/s)\n", epoch+1, cfg.Epochs,
				sum/float64(perEpoch), float64(perEpoch*cfg.Batch)/time.Since(start).Seconds())
		}
	}
	return nil
}

// shiftCopy writes src (3 planes of s×s) to dst translated by (dx, dy),
// mirrored first when flip, with white (1) where nothing lands.
func shiftCopy(dst, src []float32, s, dx, dy int, flip bool) {
	for c := range 3 {
		for y := range s {
			sy := y - dy
			for x := range s {
				sx := x - dx
				v := float32(1)
				if sy >= 0 && sy < s && sx >= 0 && sx < s {
					if flip {
						sx = s - 1 - sx
					}
					v = src[c*s*s+sy*s+sx]
				}
				dst[c*s*s+y*s+x] = v
			}
		}
	}
}

// Metadata keys of a saved emoji network.
const (
	emojiConfigKey = "emoji_classifier.config"
	emojiCatsKey   = "emoji_classifier.categories"
	emojiSubsKey   = "emoji_classifier.subcategories"
)

// SaveEmoji writes m to path (atomically, safetensors) with its config and
// label names, and extra metadata (the recipe, the measured accuracy).
func SaveEmoji(path string, m *EmojiNet, extra map[string]string) error {
	if len(m.CategoryNames) != m.Config.Categories || len(m.SubcategoryNames) != m.Config.Subcategories {
		return fmt.Errorf("emoji classifier %s: %d category and %d subcategory names for %d and %d outputs", path,
			len(m.CategoryNames), len(m.SubcategoryNames), m.Config.Categories, m.Config.Subcategories)
	}
	meta := map[string]string{"format": "diffusego-emoji-classifier"}
	maps.Copy(meta, extra)
	for _, e := range []struct {
		key string
		v   any
	}{{emojiConfigKey, m.Config}, {emojiCatsKey, m.CategoryNames}, {emojiSubsKey, m.SubcategoryNames}} {
		entry, err := checkpoint.MetaJSON(e.key, e.v)
		if err != nil {
			return fmt.Errorf("emoji classifier %s: %w", path, err)
		}
		maps.Copy(meta, entry)
	}
	return checkpoint.SaveParams(path, m.Params(), "", meta)
}

// LoadEmojiFile reads a network written by SaveEmoji.
func LoadEmojiFile(path string) (*EmojiNet, map[string]string, error) {
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return loadEmoji(path, f)
}

func loadEmoji(name string, f *checkpoint.File) (*EmojiNet, map[string]string, error) {
	var cfg EmojiConfig
	var cats, subs []string
	for key, dst := range map[string]any{emojiConfigKey: &cfg, emojiCatsKey: &cats, emojiSubsKey: &subs} {
		raw, ok := f.Meta[key]
		if !ok {
			return nil, nil, fmt.Errorf("emoji classifier %s: metadata %q missing: not a file written by SaveEmoji", name, key)
		}
		if err := json.Unmarshal([]byte(raw), dst); err != nil {
			return nil, nil, fmt.Errorf("emoji classifier %s: metadata %q: %v", name, key, err)
		}
	}
	m, err := NewEmoji(cfg, tensor.NewRNG(0))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(cats) != cfg.Categories || len(subs) != cfg.Subcategories {
		return nil, nil, fmt.Errorf("emoji classifier %s: %d category and %d subcategory names for %d and %d outputs", name, len(cats), len(subs), cfg.Categories, cfg.Subcategories)
	}
	if err := checkpoint.LoadParams(name, m.Params(), f.Tensors, ""); err != nil {
		return nil, nil, fmt.Errorf("emoji classifier: %w", err)
	}
	m.CategoryNames, m.SubcategoryNames = cats, subs
	return m, f.Meta, nil
}

// EmojiLabels maps category and subcategory names to m's output indices;
// a name m does not know is an error naming it.
func (m *EmojiNet) EmojiLabels(cats, subs []string) (ci, si []int, err error) {
	index := func(names []string) map[string]int {
		ix := map[string]int{}
		for i, s := range names {
			ix[s] = i
		}
		return ix
	}
	cix, six := index(m.CategoryNames), index(m.SubcategoryNames)
	for i, c := range cats {
		j, ok := cix[c]
		if !ok {
			return nil, nil, fmt.Errorf("emoji classifier: item %d: category %q is not one of its %d", i, c, len(cix))
		}
		ci = append(ci, j)
	}
	for i, s := range subs {
		j, ok := six[s]
		if !ok {
			return nil, nil, fmt.Errorf("emoji classifier: item %d: subcategory %q is not one of its %d", i, s, len(six))
		}
		si = append(si, j)
	}
	return ci, si, nil
}

// FormatAccuracy is how accuracies are written in metadata.
func FormatAccuracy(a float64) string { return strconv.FormatFloat(a, 'f', 4, 64) }
