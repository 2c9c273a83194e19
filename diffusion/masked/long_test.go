package masked

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// counting is the exact denoiser of the sequences x_n = (x_0 + n) mod V
// with x_0 uniform, read off the nearest unmasked token to the left of each
// position (to the right when there is none): on a consistent z every
// unmasked token gives the same answer, and a fully masked row is uniform.
type counting struct{ v int }

func (c counting) Logits(z []int, b, l int, _ []float64) ([]float32, error) {
	out := make([]float32, b*l*c.v)
	for i := range b {
		row := z[i*l : (i+1)*l]
		for j := range l {
			anchor := -1
			for a := j; a >= 0 && anchor < 0; a-- {
				if row[a] != c.v {
					anchor = a
				}
			}
			for a := j; a < l && anchor < 0; a++ {
				if row[a] != c.v {
					anchor = a
				}
			}
			for v := range c.v {
				if anchor >= 0 && v != ((row[anchor]+j-anchor)%c.v+c.v)%c.v {
					out[(i*l+j)*c.v+v] = float32(math.Inf(-1))
				}
			}
		}
	}
	return out, nil
}

// Long generation continues every window from the last tokens of the one
// before: with the counting denoiser every token generated with a context
// counts on from the token before it, however the windows fall, and the
// prompt comes back unchanged. (Without a prompt the first window starts
// from all masks, where positions unmasked in the same step are drawn
// independently and need not count; block = L has no context at all.)
func TestGenerateLongConditionsOnContext(t *testing.T) {
	const v, l = 7, 8
	for _, c := range []struct {
		name            string
		prompt          []int
		b, total, block int
		windows, counts int // counts: the first token that must count on
	}{
		{"no prompt", nil, 3, 23, 3, 6, 8},                                   // 8, then +3 five times: 23
		{"short prompt", []int{2, 5}, 2, 23, 3, 6, 1},                        // 1+7, then +3 five times
		{"long prompt", []int{1, 2, 3, 4, 5, 6, 0, 1, 2, 3}, 1, 17, 4, 2, 1}, // 10+4+4
		{"block = L", nil, 2, 20, 8, 3, 20},
		{"total ≤ L", []int{4}, 1, 5, 2, 1, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := Sampler{V: v, Steps: 6, Cache: true}
			lastStep, windows := -1, 0
			res, err := s.GenerateLong(context.Background(), counting{v}, c.prompt, c.b, l, c.total, c.block, tensor.NewRNG(3),
				func(step int, _ float64, z []int) {
					if step != lastStep+1 {
						t.Fatalf("visit step %d after %d", step, lastStep)
					}
					if step%s.Steps == 0 {
						windows++
					}
					lastStep = step
					if len(z) != c.b*l {
						t.Fatalf("window tokens: %d, want %d", len(z), c.b*l)
					}
				})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Tokens) != c.b*c.total {
				t.Fatalf("%d tokens, want %d", len(res.Tokens), c.b*c.total)
			}
			if windows != c.windows {
				t.Errorf("%d windows, want %d", windows, c.windows)
			}
			pl := len(c.prompt) / c.b
			for i := range c.b {
				row := res.Tokens[i*c.total : (i+1)*c.total]
				for j := range pl {
					if row[j] != c.prompt[i*pl+j] {
						t.Fatalf("row %d: prompt token %d = %d, want %d", i, j, row[j], c.prompt[i*pl+j])
					}
				}
				for j := max(c.counts, 1); j < c.total; j++ {
					if row[j] != (row[j-1]+1)%v {
						t.Fatalf("row %d = %v: token %d does not count on from token %d", i, row, j, j-1)
					}
				}
			}
		})
	}
}

func TestGenerateLongErrors(t *testing.T) {
	s := Sampler{V: 3, Steps: 2}
	ctx := context.Background()
	rng := tensor.NewRNG(1)
	for _, c := range []struct {
		name               string
		prompt             []int
		b, l, total, block int
		want               string
	}{
		{"block 0", nil, 1, 4, 8, 0, "block = 0"},
		{"block > L", nil, 1, 4, 8, 5, "block = 5"},
		{"ragged prompt", []int{0, 1, 2}, 2, 4, 8, 2, "do not split"},
		{"total below prompt", []int{0, 1, 2}, 1, 4, 2, 2, "total = 2"},
		{"prompt holds a mask", []int{0, 3}, 1, 4, 8, 2, "prompt[0, 1] = 3"},
		{"no batch", nil, 0, 4, 8, 2, "batch 0"},
	} {
		_, err := s.GenerateLong(ctx, counting{3}, c.prompt, c.b, c.l, c.total, c.block, rng, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
