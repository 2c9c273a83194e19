package unet_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/models/benchunet"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

func mustPreset(t testing.TB, name string) unet.Config {
	t.Helper()
	cfg, err := unet.Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func mustNew(t testing.TB, cfg unet.Config, seed uint64) *unet.Model {
	t.Helper()
	m, err := unet.New(cfg, tensor.NewRNG(seed))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBenchPresetMatchesBenchunet: the "bench" preset is bench-unet
// parameter for parameter (names, shapes, order), both variants.
func TestBenchPresetMatchesBenchunet(t *testing.T) {
	for _, classes := range []int{10, 0} {
		t.Run(fmt.Sprintf("classes=%d", classes), func(t *testing.T) {
			cfg := mustPreset(t, "bench")
			cfg.Classes = classes
			got := mustNew(t, cfg, 0).Params()
			want := benchunet.New(benchunet.Config{Classes: classes}, tensor.NewRNG(0)).Params()
			if len(got) != len(want) {
				t.Fatalf("%d parameter tensors, want %d", len(got), len(want))
			}
			for i := range got {
				if got[i].Name != want[i].Name || !tensor.SameShape(got[i].V.Shape(), want[i].V.Shape()) {
					t.Errorf("param %d = %s %v, want %s %v", i, got[i].Name, got[i].V.Shape(), want[i].Name, want[i].V.Shape())
				}
			}
			if nn.Count(got) != nn.Count(want) {
				t.Errorf("%d parameters, want %d", nn.Count(got), nn.Count(want))
			}
			// UNET_SPEC.md's block table: 411,765,248 multiply-adds per image.
			if macs := mustNew(t, cfg, 0).MACs(); macs != 411765248 {
				t.Errorf("MACs() = %d, want 411765248 (the spec's count)", macs)
			}
		})
	}
}

// TestBenchPresetSameFunction: with bench-unet's weights copied in, the
// "bench" preset computes the same output, so it is the same network and
// not just the same parameter list.
func TestBenchPresetSameFunction(t *testing.T) {
	m := mustNew(t, mustPreset(t, "bench"), 1)
	ref := benchunet.New(benchunet.Config{Classes: 10}, tensor.NewRNG(2))
	for i, p := range ref.Params() {
		m.Params()[i].V.Value.CopyFrom(p.V.Value)
	}
	rng := tensor.NewRNG(3)
	x := rng.Rand(-1, 1, 2, 1, 28, 28)
	tt, y := []float64{0, 999}, []int{3, 10}
	got := m.Forward(autograd.NoGrad(), autograd.NewVar(x), tt, y).Value
	want := ref.Forward(autograd.NoGrad(), autograd.NewVar(x), tt, y).Value
	for i := range want.Data {
		if got.Data[i] != want.Data[i] {
			t.Fatalf("out[%d] = %v, want %v (bench-unet)", i, got.Data[i], want.Data[i])
		}
	}
}

func TestPresetShapesAndCounts(t *testing.T) {
	for _, c := range []struct {
		name string
		size int // parameter count, classes = 10
	}{{"tiny", 652449}, {"small", 6472705}, {"bench", 3940801}} {
		t.Run(c.name, func(t *testing.T) {
			cfg := mustPreset(t, c.name)
			m := mustNew(t, cfg, 0)
			if got := nn.Count(m.Params()); got != c.size {
				t.Errorf("%d parameters, want %d", got, c.size)
			}
			if _, err := nn.ByName(m.Params()); err != nil {
				t.Error(err)
			}
			if c.name == "bench" {
				return // the forward is covered by TestBenchPresetSameFunction
			}
			x := tensor.NewRNG(1).Rand(-1, 1, 2, 1, 28, 28)
			out := m.Forward(autograd.NoGrad(), autograd.NewVar(x), []float64{5, 700}, []int{0, 10})
			if !tensor.SameShape(out.Shape(), []int{2, 1, 28, 28}) || !out.Value.AllFinite() {
				t.Errorf("out %v (finite %v), want (2, 1, 28, 28) finite", out.Shape(), out.Value.AllFinite())
			}
		})
	}
}

// TestRGBShapes: other sizes and channel counts, unconditional, several
// heads, out channels ≠ in channels (e.g. predicting ε and a variance).
func TestRGBShapes(t *testing.T) {
	cfg := unet.Config{ImageSize: 16, InChannels: 3, OutChannels: 6, Channels: 16, ChannelMult: []int{1, 2, 2},
		ResBlocks: 1, AttentionResolutions: []int{8}, Heads: 2, Groups: 4}
	m := mustNew(t, cfg, 0)
	x := tensor.NewRNG(1).Rand(-1, 1, 3, 3, 16, 16)
	out := m.Forward(autograd.NoGrad(), autograd.NewVar(x), []float64{0, 1, 2}, nil)
	if !tensor.SameShape(out.Shape(), []int{3, 6, 16, 16}) {
		t.Errorf("out %v, want (3, 6, 16, 16)", out.Shape())
	}
	if m.ClassEmb != nil {
		t.Error("unconditional model has a class embedding")
	}
}

// TestForwardDeterministic: same seed, same input → same bits; and the
// label changes the output (class conditioning is wired in).
func TestForwardDeterministic(t *testing.T) {
	cfg := mustPreset(t, "tiny")
	x := tensor.NewRNG(9).Rand(-1, 1, 2, 1, 28, 28)
	run := func(y []int) *tensor.Tensor {
		return mustNew(t, cfg, 7).Forward(autograd.NoGrad(), autograd.NewVar(x), []float64{10, 10}, y).Value
	}
	a, b, c := run([]int{1, 2}), run([]int{1, 2}), run([]int{4, 2})
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("out[%d]: %v then %v from the same seed", i, a.Data[i], b.Data[i])
		}
	}
	per := len(a.Data) / 2
	same0, same1 := true, true
	for i := range per {
		same0 = same0 && a.Data[i] == c.Data[i]
		same1 = same1 && a.Data[per+i] == c.Data[per+i]
	}
	if same0 || !same1 {
		t.Errorf("changing image 0's label: image 0 changed %v (want true), image 1 changed %v (want false)", !same0, !same1)
	}
}

func TestForwardBadInputs(t *testing.T) {
	m := mustNew(t, mustPreset(t, "tiny"), 0)
	x := tensor.New(2, 1, 28, 28)
	for _, c := range []struct {
		name string
		x    *tensor.Tensor
		t    []float64
		y    []int
		want string
	}{
		{"wrong size", tensor.New(2, 1, 32, 32), []float64{0, 0}, nil, "want (N, 1, 28, 28)"},
		{"wrong channels", tensor.New(2, 3, 28, 28), []float64{0, 0}, nil, "want (N, 1, 28, 28)"},
		{"t count", x, []float64{0}, nil, "one noise level"},
		{"label range", x, []float64{0, 0}, []int{0, 11}, "label 1 is 11"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := func() (err error) {
				defer tensor.Recover(&err)
				m.Forward(autograd.NoGrad(), autograd.NewVar(c.x), c.t, c.y)
				return nil
			}()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := mustPreset(t, "small")
	for _, c := range []struct {
		name  string
		edit  func(*unet.Config)
		field string
	}{
		{"size", func(c *unet.Config) { c.ImageSize = 30 }, `"image_size"`}, // 30 does not halve twice
		{"odd channels", func(c *unet.Config) { c.Channels = 33 }, `"channels"`},
		{"no levels", func(c *unet.Config) { c.ChannelMult = nil }, `"channel_mult"`},
		{"zero mult", func(c *unet.Config) { c.ChannelMult = []int{1, 0, 2} }, `"channel_mult[1]"`},
		{"attention", func(c *unet.Config) { c.AttentionResolutions = []int{8} }, `"attention_resolutions[0]"`},
		{"groups", func(c *unet.Config) { c.Groups = 5 }, `"groups"`},
		{"heads", func(c *unet.Config) { c.Heads = 3 }, `"heads"`},
		{"dropout", func(c *unet.Config) { c.Dropout = 1 }, `"dropout"`},
		{"classes", func(c *unet.Config) { c.Classes = -1 }, `"classes"`},
		{"res blocks", func(c *unet.Config) { c.ResBlocks = 0 }, `"res_blocks"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := ok
			cfg.ChannelMult = append([]int(nil), ok.ChannelMult...)
			c.edit(&cfg)
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), c.field) {
				t.Errorf("Validate() = %v, want an error naming %s", err, c.field)
			}
			if _, err := unet.New(cfg, tensor.NewRNG(0)); err == nil {
				t.Error("New accepted the invalid config")
			}
		})
	}
	if err := ok.Validate(); err != nil {
		t.Errorf("small preset: %v", err)
	}
	if _, err := unet.Preset("huge"); err == nil || !strings.Contains(err.Error(), "tiny, small, bench") {
		t.Errorf("Preset(huge) = %v, want an error listing the presets", err)
	}
}

// TestConfigJSON: a config survives checkpoint's strict JSON round trip,
// and a misspelt key is refused.
func TestConfigJSON(t *testing.T) {
	cfg := mustPreset(t, "small")
	path := filepath.Join(t.TempDir(), "config.json")
	if err := checkpoint.WriteJSON(path, cfg); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), `"attention_resolutions"`) {
		t.Errorf("JSON %s lacks the attention_resolutions key", b)
	}
	var back unet.Config
	if err := checkpoint.ReadJSON(path, &back); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(back) != fmt.Sprint(cfg) {
		t.Errorf("round trip %+v, want %+v", back, cfg)
	}
	bad := strings.Replace(string(b), "res_blocks", "resblocks", 1)
	if err := checkpoint.DecodeJSON([]byte(bad), "bad.json", &back); err == nil || !strings.Contains(err.Error(), "resblocks") {
		t.Errorf("misspelt key: error %v, want one naming resblocks", err)
	}
}

// TestGrad checks the whole network's gradient (input, embeddings, a conv,
// the attention and the output layer) on a tiny configuration with awkward
// sizes: 3 channels, 2 heads, attention and dropout off.
func TestGrad(t *testing.T) {
	cfg := unet.Config{ImageSize: 4, InChannels: 3, OutChannels: 2, Channels: 4, ChannelMult: []int{1, 2},
		ResBlocks: 1, AttentionResolutions: []int{2}, Heads: 2, Classes: 2, Groups: 2}
	m := mustNew(t, cfg, 1)
	byName, _ := nn.ByName(m.Params())
	var params []*autograd.Var
	for _, name := range []string{"class_emb.weight", "temb.fc1.weight", "down.0.res.0.conv1.weight",
		"down.1.attn.0.qkv.weight", "mid.attn.proj.bias", "up.0.res.1.skip.weight", "out.conv.weight"} {
		p, ok := byName[name]
		if !ok {
			t.Fatalf("no parameter %s", name)
		}
		params = append(params, p.V)
	}
	f := func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
		return m.Forward(g, x, []float64{3, 250}, []int{1, 2})
	}
	gradcheck.Check(t, f, gradcheck.Rand([]int{2, 3, 4, 4}, 2), gradcheck.Tol{Rel: 2e-2, Abs: 2e-3, MaxPerTensor: 24}, params...)
}

// TestDropout: dropout is active with a stream and off without one.
func TestDropout(t *testing.T) {
	cfg := mustPreset(t, "tiny")
	cfg.Dropout = 0.3
	m := mustNew(t, cfg, 0)
	x := tensor.NewRNG(1).Rand(-1, 1, 1, 1, 28, 28)
	run := func() *tensor.Tensor {
		return m.Forward(autograd.NoGrad(), autograd.NewVar(x), []float64{1}, nil).Value
	}
	off := run()
	m.SetDropoutRNG(tensor.NewRNG(5))
	on := run()
	m.SetDropoutRNG(nil)
	off2 := run()
	diff, diff2 := 0.0, 0.0
	for i := range off.Data {
		diff += math.Abs(float64(on.Data[i] - off.Data[i]))
		diff2 += math.Abs(float64(off2.Data[i] - off.Data[i]))
	}
	if diff == 0 || diff2 != 0 {
		t.Errorf("dropout on changes output by %g (want > 0), off again by %g (want 0)", diff, diff2)
	}
}

// TestMACs counts a one-level network by hand (4×4 positions, 4
// channels, embedding 16): time MLP 4·16 + 16·16 = 320, stem 4·16·9 = 576,
// a 4 → 4 ResBlock 2·(4·16·4·9) + 16·4 = 4672 (three of them: down.0,
// mid.res1, mid.res2), mid.attn 12·16·4 + 4·16·4 + 2·16·16·4 = 3072, two
// 8 → 4 decoder ResBlocks 4·16·8·9 + 64 + 2304 + 4·16·8 = 7488 each, out
// 16·4·9 = 576: 33,536 in all.
func TestMACs(t *testing.T) {
	cfg := unet.Config{ImageSize: 4, InChannels: 1, OutChannels: 1, Channels: 4, ChannelMult: []int{1},
		ResBlocks: 1, Heads: 1, Groups: 1}
	if got := mustNew(t, cfg, 0).MACs(); got != 33536 {
		t.Errorf("MACs() = %d, want 33536", got)
	}
}

// TestPooledMatchesPlain: a training step on a pooled graph, where the
// ResBlocks, the decoder's concatenations, the upsamplers and the output
// layer evict their normalised inputs and recompute them in backward,
// gives every gradient of a plain graph's step to the bit, dropout on, and
// every one of those evictions happens.
func TestPooledMatchesPlain(t *testing.T) {
	cfg := unet.Config{ImageSize: 4, InChannels: 3, OutChannels: 2, Channels: 4, ChannelMult: []int{1, 2},
		ResBlocks: 1, AttentionResolutions: []int{2}, Heads: 2, Classes: 2, Groups: 2, Dropout: 0.2}
	m := mustNew(t, cfg, 1)
	ps := m.Params()
	x := autograd.NewVar(tensor.NewRNG(2).Rand(-1, 1, 2, 3, 4, 4))
	plain := autograd.New()
	// The evictions: two per ResBlock (its normalised inputs: at 4×4 no
	// convolution runs through Winograd, so none is fused into one), the
	// decoder's concatenations, the upsampled maps and the output layer's
	// input. Were an op on their path to pin one of them (Evict keeps a
	// value an op reads from a slice kept from the forward pass), the
	// gradients would still match: this count is what shows the memory
	// is given back.
	evictions := 2*2 + 1 // the middle ResBlocks, the output layer
	for _, l := range m.Down {
		evictions += 2 * len(l.Res)
	}
	for _, l := range m.Up {
		evictions += 3 * len(l.Res) // two in the block, its input's concatenation
		if l.Up != nil {
			evictions++
		}
	}
	step := func(g *autograd.Graph) []*tensor.Tensor {
		nn.ZeroGrad(ps)
		m.SetDropoutRNG(tensor.NewRNG(5))
		out := m.Forward(g, x, []float64{3, 250}, []int{1, 2})
		want := 0
		if g != plain {
			want = evictions
		}
		if got := g.Evicted(); got != want {
			t.Errorf("Evicted() = %d after the forward pass, want %d", got, want)
		}
		if err := g.Backward(g.Mean(g.Mul(out, out), nil, false)); err != nil {
			t.Fatal(err)
		}
		var grads []*tensor.Tensor
		for _, p := range ps {
			grads = append(grads, p.V.Grad.Clone())
		}
		return grads
	}
	want := step(plain)
	for r := range 2 { // the second run reuses the buffers the first gave back
		got := step(autograd.NewPooled())
		for i, p := range ps {
			for j := range want[i].Data {
				if got[i].Data[j] != want[i].Data[j] {
					t.Fatalf("run %d: %s gradient differs at [%d]: %v, want %v", r, p.Name, j, got[i].Data[j], want[i].Data[j])
				}
			}
		}
	}
}
