package transformer_test

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/models/transformer"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

type shaped struct {
	name  string
	shape []int
}

// specParams is bench-text's parameter list (TEXT_SPEC.md, "Network" and
// "Block"), written out from the spec in PyTorch's registration order.
func specParams() []shaped {
	const d = 256
	var ps []shaped
	lin := func(name string, in, out int) {
		ps = append(ps, shaped{name + ".weight", []int{out, in}}, shaped{name + ".bias", []int{out}})
	}
	// named_parameters lists the model's own nn.Parameter before its submodules'.
	ps = append(ps, shaped{"pos_emb", []int{256, d}}, shaped{"tok_emb.weight", []int{129, d}})
	lin("t_fc1", 128, d)
	lin("t_fc2", d, d)
	for i := range 6 {
		p := fmt.Sprintf("blocks.%d.", i)
		lin(p+"attn_qkv", d, 3*d)
		lin(p+"attn_out", d, d)
		lin(p+"mlp_fc1", d, 4*d)
		lin(p+"mlp_fc2", 4*d, d)
		lin(p+"ada", d, 6*d)
	}
	lin("ada_out", d, 2*d)
	lin("head", d, 128)
	return ps
}

func TestBenchParams(t *testing.T) {
	m, err := transformer.New(transformer.Bench(), tensor.NewRNG(0))
	if err != nil {
		t.Fatal(err)
	}
	ps := m.Params()
	if len(ps) != 70 || nn.Count(ps) != 7462784 {
		t.Errorf("%d parameters in %d tensors, want 7462784 in 70 (TEXT_SPEC.md)", nn.Count(ps), len(ps))
	}
	want := specParams()
	for i := range min(len(ps), len(want)) {
		if ps[i].Name != want[i].name || !tensor.SameShape(ps[i].V.Shape(), want[i].shape) {
			t.Errorf("param %d = %s %v, want %s %v", i, ps[i].Name, ps[i].V.Shape(), want[i].name, want[i].shape)
		}
	}
	if _, err := nn.ByName(ps); err != nil {
		t.Error(err)
	}
}

// TestVariantParams: without time conditioning the LayerNorms carry their
// affine parameters and the time MLP and adaLN layers are gone; with
// rotary there is no pos_emb.
func TestVariantParams(t *testing.T) {
	c := transformer.Config{Vocab: 11, Out: 10, D: 8, Layers: 2, Heads: 2, MaxLen: 16, Causal: true, Rotary: true}
	m, err := transformer.New(c, tensor.NewRNG(0))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range m.Params() {
		names = append(names, p.Name)
	}
	want := "tok_emb.weight blocks.0.norm1.weight blocks.0.norm1.bias blocks.0.attn_qkv.weight blocks.0.attn_qkv.bias " +
		"blocks.0.attn_out.weight blocks.0.attn_out.bias blocks.0.norm2.weight blocks.0.norm2.bias blocks.0.mlp_fc1.weight " +
		"blocks.0.mlp_fc1.bias blocks.0.mlp_fc2.weight blocks.0.mlp_fc2.bias blocks.1.norm1.weight blocks.1.norm1.bias " +
		"blocks.1.attn_qkv.weight blocks.1.attn_qkv.bias blocks.1.attn_out.weight blocks.1.attn_out.bias blocks.1.norm2.weight " +
		"blocks.1.norm2.bias blocks.1.mlp_fc1.weight blocks.1.mlp_fc1.bias blocks.1.mlp_fc2.weight blocks.1.mlp_fc2.bias " +
		"norm_out.weight norm_out.bias head.weight head.bias"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("params\n%s\nwant\n%s", got, want)
	}
}

func TestInit(t *testing.T) {
	m, err := transformer.New(transformer.Bench(), tensor.NewRNG(0))
	if err != nil {
		t.Fatal(err)
	}
	byName, _ := nn.ByName(m.Params())
	for _, p := range m.Params() {
		d := p.V.Data()
		var s, s2 float64
		for _, v := range d {
			s, s2 = s+float64(v), s2+float64(v)*float64(v)
		}
		mean := s / float64(len(d))
		std := math.Sqrt(s2/float64(len(d)) - mean*mean)
		switch p.Name {
		case "tok_emb.weight":
			if math.Abs(std-1) > 0.02 || math.Abs(mean) > 0.02 {
				t.Errorf("%s: mean %.4f std %.4f, want N(0, 1)", p.Name, mean, std)
			}
		case "pos_emb":
			if math.Abs(std-0.02) > 0.001 || math.Abs(mean) > 0.001 {
				t.Errorf("%s: mean %.5f std %.5f, want N(0, 0.02²)", p.Name, mean, std)
			}
		default: // Linear: U(±1/√in), in from the weight's shape
			w := byName[strings.TrimSuffix(strings.TrimSuffix(p.Name, "weight"), "bias")+"weight"].V.Shape()
			k := 1 / math.Sqrt(float64(w[1]))
			for _, v := range d {
				if math.Abs(float64(v)) > k {
					t.Fatalf("%s has %v, outside ±%.4g", p.Name, v, k)
				}
			}
			if len(d) > 1000 && math.Abs(std-k/math.Sqrt(3)) > 0.05*k {
				t.Errorf("%s: std %.4g, want %.4g of U(±%.4g)", p.Name, std, k/math.Sqrt(3), k)
			}
		}
	}
}

// tiny is a small configuration of every variant for fast tests.
func tiny(causal, timeCond, rotary bool) transformer.Config {
	return transformer.Config{Vocab: 7, Out: 6, D: 8, Layers: 2, Heads: 2, MaxLen: 5, Causal: causal, TimeCond: timeCond, Rotary: rotary}
}

// TestGrad checks the whole model's parameter gradients on a tiny
// configuration of each variant, through the MDLM-style weighted loss.
func TestGrad(t *testing.T) {
	for _, c := range []transformer.Config{tiny(false, true, false), tiny(true, false, false), tiny(false, true, true), tiny(true, false, true)} {
		t.Run(fmt.Sprintf("causal=%v,time=%v,rotary=%v", c.Causal, c.TimeCond, c.Rotary), func(t *testing.T) {
			m, err := transformer.New(c, tensor.NewRNG(1))
			if err != nil {
				t.Fatal(err)
			}
			const b, l = 2, 4
			tokens := []int{6, 1, 2, 6, 3, 6, 6, 0}
			var ts []float64
			if c.TimeCond {
				ts = []float64{0.3, 0.8}
			}
			var ps []*autograd.Var
			for _, p := range m.Params() {
				ps = append(ps, p.V)
			}
			f := func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
				return g.Mul(m.Forward(g, tokens, b, l, ts), x) // x: a fixed weighting, so every logit matters
			}
			gradcheck.Check(t, f, gradcheck.Rand([]int{b, l, c.Out}, 2), gradcheck.Tol{Rel: 2e-2, Abs: 3e-3, MaxPerTensor: 8}, ps...)
		})
	}
}

// TestCausal: in a causal model the logits at position i do not depend on
// the tokens after i; in a bidirectional one they do.
func TestCausal(t *testing.T) {
	for _, causal := range []bool{true, false} {
		m, err := transformer.New(tiny(causal, false, false), tensor.NewRNG(3))
		if err != nil {
			t.Fatal(err)
		}
		a, err1 := m.Logits([]int{1, 2, 3, 4, 5}, 1, 5, nil)
		b, err2 := m.Logits([]int{1, 2, 3, 0, 0}, 1, 5, nil)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		same := true
		for j := range 3 * 6 { // positions 0..2
			same = same && a[j] == b[j]
		}
		if same != causal {
			t.Errorf("causal %v: logits before the change unchanged = %v", causal, same)
		}
	}
}

func TestLogitsErrors(t *testing.T) {
	m, err := transformer.New(tiny(false, true, false), tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		tokens []int
		b, l   int
		t      []float64
		want   string
	}{
		{"count", []int{1, 2, 3}, 1, 4, []float64{0.5}, "3 tokens for 1 sequences of 4"},
		{"too long", make([]int, 6), 1, 6, []float64{0.5}, "length 6 exceeds max_len 5"},
		{"times", make([]int, 4), 2, 2, []float64{0.5}, "1 times for 2 sequences"},
		{"id", []int{1, 7}, 1, 2, []float64{0.5}, "index 7 at position 1 outside [0, 7)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := m.Logits(c.tokens, c.b, c.l, c.t)
			if err == nil || !strings.Contains(err.Error(), c.want) || out != nil {
				t.Errorf("got %v, %d logits; want an error containing %q", err, len(out), c.want)
			}
		})
	}
	if _, err := transformer.New(transformer.Config{Vocab: 3, Out: 3, D: 6, Layers: 1, Heads: 4, MaxLen: 4}, nil); err == nil ||
		err.Error() != `transformer config: field "heads": want a divisor of d = 6, got 4` {
		t.Errorf("New(heads 4, d 6) = %v", err)
	}
}

// TestSaveLoad: a saved model loads with the same config and logits; a
// checkpoint of another shape is refused before anything is copied.
func TestSaveLoad(t *testing.T) {
	dir := t.TempDir()
	m, err := transformer.New(tiny(true, true, true), tensor.NewRNG(4))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	got, err := transformer.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Config != m.Config {
		t.Errorf("config %+v, want %+v", got.Config, m.Config)
	}
	tokens, ts := []int{1, 2, 6, 0}, []float64{0.25, 0.75}
	a, _ := m.Logits(tokens, 2, 2, ts)
	b, err := got.Logits(tokens, 2, 2, ts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("logit %d: saved %v, loaded %v", i, a[i], b[i])
		}
	}
	cfg := filepath.Join(dir, transformer.ConfigFile)
	raw, _ := os.ReadFile(cfg)
	// A config that cannot make a model: refused, naming the file and field.
	bad := strings.Replace(string(raw), `"heads": 2`, `"heads": 3`, 1)
	if err := os.WriteFile(cfg, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := transformer.Load(dir); err == nil || !strings.Contains(err.Error(), cfg) || !strings.Contains(err.Error(), `field "heads"`) {
		t.Errorf("Load with heads 3, d 8: %v, want an error naming %s and field \"heads\"", err, cfg)
	}
	if err := os.WriteFile(cfg, []byte(strings.Replace(string(raw), `"d": 8`, `"d": 4`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	var mis *checkpoint.MismatchError // another width: every tensor mismatches
	if _, err := transformer.Load(dir); !errors.As(err, &mis) {
		t.Errorf("Load with d 4 over d 8 weights: %v, want a *checkpoint.MismatchError", err)
	}
}
