package search_test

import (
	"math"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
)

// smallNet is a class-conditional U-Net on 8×8 grey images, small enough
// that a test runs it many times in well under a second.
func smallNet(t testing.TB) *unet.Model {
	t.Helper()
	cfg := unet.Config{ImageSize: 8, InChannels: 1, OutChannels: 1, Channels: 8, ChannelMult: []int{1, 2},
		ResBlocks: 1, AttentionResolutions: []int{}, Heads: 1, Classes: 3, Groups: 4}
	m, err := unet.New(cfg, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// smallOptions fit smallNet, whose bottleneck is 4×4 (DefaultOptions'
// 7×7 grid needs one of at least 7×7).
var smallOptions = search.Options{T: 0, Seed: 1, Layers: search.LayersMid, Grid: 2}

func smallEmbedder(t testing.TB, opts search.Options) *search.Embedder {
	t.Helper()
	sch, err := schedule.New("cosine", 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := search.NewEmbedder(smallNet(t), sch, opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEmbedDeterministic: an image gets the same bits alone, in a batch,
// at another position and across batch boundaries; vectors have unit
// length and Dim entries; different images get different vectors.
func TestEmbedDeterministic(t *testing.T) {
	for _, opts := range []search.Options{
		{T: 5, Seed: 1, Layers: search.LayersMid, Grid: 1},
		{T: 0, Seed: 2, Layers: search.LayersAll, Grid: 2},
	} {
		e := smallEmbedder(t, opts)
		x := tensor.NewRNG(3).Rand(-1, 1, 5, 1, 8, 8)
		all, err := e.Embed(x)
		if err != nil {
			t.Fatal(err)
		}
		d := e.Dim()
		if !tensor.SameShape(all.Shape, []int{5, d}) {
			t.Fatalf("%+v: features %v, want (5, %d)", opts, all.Shape, d)
		}
		e.Batch = 2 // batches {0,1} {2,3} {4}
		again, err := e.Embed(x)
		if err != nil {
			t.Fatal(err)
		}
		last := tensor.FromData(x.Data[4*64:], 1, 1, 8, 8)
		alone, err := e.Embed(last)
		if err != nil {
			t.Fatal(err)
		}
		for j := range d {
			if all.Data[4*d+j] != again.Data[4*d+j] || all.Data[4*d+j] != alone.Data[j] {
				t.Fatalf("%+v: feature %d of image 4: %v in one batch, %v in batches of 2, %v alone", opts, j, all.Data[4*d+j], again.Data[4*d+j], alone.Data[j])
			}
		}
		for i := range 5 {
			var s float64
			for _, v := range all.Data[i*d : (i+1)*d] {
				s += float64(v) * float64(v)
			}
			if math.Abs(s-1) > 1e-5 {
				t.Errorf("%+v: ‖f_%d‖² = %v, want 1", opts, i, s)
			}
		}
		if all.Data[0] == all.Data[d] && all.Data[1] == all.Data[d+1] {
			t.Errorf("%+v: images 0 and 1 have the same features", opts)
		}
	}
}

// TestEmbedTimeStepMatters: the noise level reaches the features (T is
// wired in), and the noise is the fixed ε: T = 0 and T = 60 differ.
func TestEmbedTimeStepMatters(t *testing.T) {
	x := tensor.NewRNG(4).Rand(-1, 1, 2, 1, 8, 8)
	a, _ := smallEmbedder(t, search.Options{T: 0, Seed: 1, Layers: search.LayersMid, Grid: 1}).Embed(x)
	b, _ := smallEmbedder(t, search.Options{T: 60, Seed: 1, Layers: search.LayersMid, Grid: 1}).Embed(x)
	same := true
	for i := range a.Data {
		same = same && a.Data[i] == b.Data[i]
	}
	if same {
		t.Error("features at T = 0 and T = 60 are identical")
	}
}

func TestNewEmbedderBadOptions(t *testing.T) {
	sch, _ := schedule.New("cosine", 100, nil)
	net := smallNet(t)
	for _, c := range []struct {
		opts search.Options
		want string
	}{
		{search.Options{T: 100, Layers: "mid", Grid: 1}, "time step 100: want 0..99"},
		{search.Options{T: -1, Layers: "mid", Grid: 1}, "time step -1"},
		{search.Options{T: 1, Layers: "decoder", Grid: 1}, `layers "decoder"`},
		{search.Options{T: 1, Layers: "mid", Grid: 5}, "grid 5: want 1..4"},
		{search.Options{T: 1, Layers: "mid", Grid: 0}, "grid 0"},
	} {
		_, err := search.NewEmbedder(net, sch, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewEmbedder(%+v) error %v, want one containing %q", c.opts, err, c.want)
		}
	}
}

// TestEmbedWrongShape: images of another channel count or size are
// refused with an error naming both shapes, not a panic.
func TestEmbedWrongShape(t *testing.T) {
	e := smallEmbedder(t, smallOptions)
	for _, x := range []*tensor.Tensor{tensor.New(2, 3, 8, 8), tensor.New(2, 1, 9, 9), tensor.New(8, 8), nil} {
		_, err := e.Embed(x)
		if err == nil || !strings.Contains(err.Error(), "want (N, 1, 8, 8)") {
			t.Errorf("Embed(%v) error %v, want one containing %q", x, err, "want (N, 1, 8, 8)")
		}
	}
}

// TestPoolKnownAnswer: a 4×4 plane pooled on a 2×2 grid gives the four
// quadrant means, scaled to unit length; a zero block stays zero.
func TestPoolKnownAnswer(t *testing.T) {
	a := tensor.FromData([]float32{
		1, 1, 2, 2,
		1, 1, 2, 2,
		0, 0, 4, 8,
		0, 0, 4, 8,
	}, 1, 1, 4, 4)
	got := search.Pool([]*tensor.Tensor{a}, 2).Data
	norm := math.Sqrt(1 + 4 + 0 + 36)
	want := []float64{1 / norm, 2 / norm, 0, 6 / norm}
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 1e-7 {
			t.Errorf("Pool[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	zero := search.Pool([]*tensor.Tensor{tensor.New(1, 2, 3, 3)}, 1).Data
	if zero[0] != 0 || zero[1] != 0 {
		t.Errorf("Pool of zeros = %v, want zeros", zero)
	}
}
