package unet_test

import (
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/tensor"
)

// frozenForward is Model.Forward as it was before it was split into
// Encode and Decode, kept verbatim (label checks aside, and the decoder's
// ResBlocks reading their concatenated input in parts, as Decode does
// now) so that the split is tested against the code it replaced, on every
// machine and kernel path.
func frozenForward(m *unet.Model, g *autograd.Graph, x *autograd.Var, t []float64, y []int) *autograd.Var {
	n := x.Shape()[0]
	emb := m.Temb.Forward(g, t)
	if m.ClassEmb != nil {
		if y == nil {
			y = make([]int, n)
			for i := range y {
				y[i] = m.Classes
			}
		}
		emb = g.Add(emb, m.ClassEmb.Lookup(g, y))
	}
	e := g.SiLU(emb)
	h := m.Stem.Forward(g, x)
	hs := []*autograd.Var{h}
	for _, l := range m.Down {
		for j, r := range l.Res {
			h = r.Forward(g, h, e, m.DropoutRNG)
			if len(l.Attn) > 0 {
				h = l.Attn[j].Forward(g, h)
			}
			hs = append(hs, h)
		}
		if l.Down != nil {
			h = l.Down.Forward(g, h)
			hs = append(hs, h)
		}
	}
	h = m.MidRes1.Forward(g, h, e, m.DropoutRNG)
	h = m.MidAttn.Forward(g, h)
	h = m.MidRes2.Forward(g, h, e, m.DropoutRNG)
	for i := len(m.Up) - 1; i >= 0; i-- {
		l := m.Up[i]
		for j, r := range l.Res {
			skip := hs[len(hs)-1]
			hs = hs[:len(hs)-1]
			h = r.ForwardCat(g, []*autograd.Var{h, skip}, e, m.DropoutRNG) // was Forward of g.Concat(1, h, skip): the skip convolution now sums per part
			if len(l.Attn) > 0 {
				h = l.Attn[j].Forward(g, h)
			}
		}
		if l.Up != nil {
			h = l.Up.Forward(g, h)
		}
	}
	return m.OutConv.Forward(g, m.OutNorm.ForwardSiLU(g, h))
}

// refactorCases are configurations that exercise every branch of the
// encoder and decoder: attention in levels, several heads, no classes,
// three levels, in ≠ out channels.
func refactorCases(t *testing.T) []unet.Config {
	rgb := unet.Config{ImageSize: 16, InChannels: 3, OutChannels: 6, Channels: 16, ChannelMult: []int{1, 2, 2},
		ResBlocks: 2, AttentionResolutions: []int{8, 4}, Heads: 2, Groups: 4}
	return []unet.Config{mustPreset(t, "tiny"), mustPreset(t, "small"), rgb}
}

// TestForwardMatchesFrozen: Forward (now Decode after Encode) gives the
// same bits as the pre-split code, with labels and without.
func TestForwardMatchesFrozen(t *testing.T) {
	for i, cfg := range refactorCases(t) {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			m := mustNew(t, cfg, uint64(11+i))
			x := tensor.NewRNG(3).Rand(-1, 1, 2, cfg.InChannels, cfg.ImageSize, cfg.ImageSize)
			tt := []float64{3, 640}
			var y []int
			if cfg.Classes > 0 {
				y = []int{2, cfg.Classes}
			}
			for _, labels := range [][]int{y, nil} {
				got := m.Forward(autograd.NoGrad(), autograd.NewVar(x), tt, labels).Value
				want := frozenForward(m, autograd.NoGrad(), autograd.NewVar(x), tt, labels).Value
				for k := range want.Data {
					if got.Data[k] != want.Data[k] {
						t.Fatalf("labels %v: out[%d] = %v, want %v (the pre-split Forward)", labels, k, got.Data[k], want.Data[k])
					}
				}
			}
		})
	}
}

// TestFeaturesIsBottleneck: Features is the middle block's output, of the
// documented shape, deterministic, and Decode leaves the Encoding intact
// (decoding it twice gives the same bits).
func TestFeaturesIsBottleneck(t *testing.T) {
	for i, cfg := range refactorCases(t) {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			m := mustNew(t, cfg, 5)
			x := tensor.NewRNG(4).Rand(-1, 1, 3, cfg.InChannels, cfg.ImageSize, cfg.ImageSize)
			tt := []float64{10, 10, 10}
			f := m.Features(autograd.NoGrad(), autograd.NewVar(x), tt, nil).Value
			levels := len(cfg.ChannelMult)
			side := cfg.ImageSize >> (levels - 1)
			want := []int{3, cfg.Channels * cfg.ChannelMult[levels-1], side, side}
			if !tensor.SameShape(f.Shape, want) {
				t.Fatalf("Features shape %v, want %v", f.Shape, want)
			}
			enc := m.Encode(autograd.NoGrad(), autograd.NewVar(x), tt, nil)
			nskips := len(enc.Skips)
			if wantSkips := 1 + levels*cfg.ResBlocks + levels - 1; nskips != wantSkips {
				t.Errorf("%d skips, want %d", nskips, wantSkips)
			}
			for k := range f.Data {
				if f.Data[k] != enc.Mid.Value.Data[k] {
					t.Fatalf("Features[%d] = %v, Encode.Mid = %v", k, f.Data[k], enc.Mid.Value.Data[k])
				}
			}
			a, b := m.Decode(autograd.NoGrad(), enc).Value, m.Decode(autograd.NoGrad(), enc).Value
			if len(enc.Skips) != nskips {
				t.Errorf("Decode changed the skip stack: %d entries, had %d", len(enc.Skips), nskips)
			}
			for k := range a.Data {
				if a.Data[k] != b.Data[k] {
					t.Fatalf("second Decode: out[%d] = %v, first %v", k, b.Data[k], a.Data[k])
				}
			}
		})
	}
}
