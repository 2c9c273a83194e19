package graph

import (
	"bytes"
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func TestDrawColoursNodesByType(t *testing.T) {
	g := fromEdges(t, 4, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 3})
	g.SetNodeType(1, 3)
	g.SetNodeType(3, 1)
	g.SetEdge(2, 3, 2)
	for _, layout := range []Layout{Circle, Spring} {
		opt := DrawOptions{Cell: 120, Layout: layout, Seed: 4}
		img, err := Draw([]*Graph{g, g}, opt)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 240 || b.Dy() != 120 {
			t.Fatalf("bounds %v, want 240×120", b)
		}
		// The second cell uses the second split of the seed.
		pos := Positions(g, layout, tensor.NewRNG(4).Split(1))
		radius := 3.0
		for v, p := range pos {
			x := 120 + 2*radius + p[0]*(120-4*radius)
			y := 2*radius + p[1]*(120-4*radius)
			got := img.RGBAAt(int(math.Round(x)), int(math.Round(y)))
			if want := Palette[g.NodeType(v)]; got != want {
				t.Errorf("layout %d: node %d at (%.0f, %.0f): colour %v, want %v", layout, v, x, y, got, want)
			}
		}
		again, _ := Draw([]*Graph{g, g}, opt)
		if !bytes.Equal(img.Pix, again.Pix) {
			t.Error("two draws with the same options differ")
		}
	}
	if _, err := Draw(nil, DrawOptions{}); err == nil {
		t.Error("Draw accepted no graphs")
	}
}

// TestSpringSeparatesCommunities checks that the spring layout puts the
// two communities of a community-small graph apart: nodes of one community
// are on average closer to each other than to the other's.
func TestSpringSeparatesCommunities(t *testing.T) {
	g := CommunitySmall(1, 3)[0]
	c := g.N() / 2
	pos := Positions(g, Spring, tensor.NewRNG(1))
	var in, out float64
	var nIn, nOut int
	for i := 0; i < g.N(); i++ {
		for j := i + 1; j < g.N(); j++ {
			d := math.Hypot(pos[i][0]-pos[j][0], pos[i][1]-pos[j][1])
			if (i < c) == (j < c) {
				in, nIn = in+d, nIn+1
			} else {
				out, nOut = out+d, nOut+1
			}
		}
	}
	in, out = in/float64(nIn), out/float64(nOut)
	if !(in < 0.7*out) {
		t.Errorf("mean distance within communities %.3f, across %.3f: want within < 0.7 × across", in, out)
	}
	for _, p := range pos {
		if p[0] < -1e-9 || p[0] > 1+1e-9 || p[1] < -1e-9 || p[1] > 1+1e-9 {
			t.Fatalf("position %v outside the unit square", p)
		}
	}
}
