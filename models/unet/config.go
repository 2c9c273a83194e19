package unet

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Config describes a U-Net. It is saved next to checkpoints as JSON (the
// field tags are the file's keys), so every field is plain data.
//
// The time features are sinusoidal of width Channels, and the time
// embedding (and the class embedding) has width 4·Channels, as in DDPM and
// ADM. Level i works at resolution ImageSize/2^i with Channels·ChannelMult[i]
// channels; the encoder has ResBlocks blocks per level and the decoder one
// more, the middle is ResBlock, attention, ResBlock.
type Config struct {
	ImageSize   int   `json:"image_size"`   // height and width of the input, e.g. 28
	InChannels  int   `json:"in_channels"`  // image channels in: 1 (grey) or 3 (RGB)
	OutChannels int   `json:"out_channels"` // channels predicted (usually InChannels)
	Channels    int   `json:"channels"`     // base width; even, so the time features split into sin and cos
	ChannelMult []int `json:"channel_mult"` // width of level i is Channels·ChannelMult[i]
	ResBlocks   int   `json:"res_blocks"`   // ResBlocks per encoder level (the decoder has one more)
	// AttentionResolutions lists the resolutions (e.g. 7) at which every
	// ResBlock is followed by self-attention. The middle always has it.
	AttentionResolutions []int   `json:"attention_resolutions"`
	Heads                int     `json:"heads"`   // attention heads; they split the channels evenly
	Dropout              float64 `json:"dropout"` // ResBlock dropout probability in [0, 1)
	// Classes is the number of classes for class conditioning, 0 for an
	// unconditional model. Label Classes is the null class (no label), used
	// for classifier-free guidance.
	Classes int `json:"classes"`
	Groups  int `json:"groups"` // GroupNorm groups; must divide every width
	// ContextDim, when positive, conditions the model on a text context
	// (B, S, ContextDim) and a pooled vector (B, ContextDim), as latent
	// diffusion does (Rombach et al. 2022, §3.3): cross-attention after
	// every self-attention (the attention resolutions and the middle) and
	// the pooled vector, through a linear layer, added to the time
	// embedding. 0 (the default) builds no such layers.
	ContextDim int `json:"context_dim,omitempty"`
}

// Presets lists the names Preset knows, in order of size.
var Presets = []string{"tiny", "small", "bench"}

// Preset returns a named configuration for 28×28 grey images with the 10
// Fashion-MNIST classes; callers change ImageSize, InChannels, OutChannels
// and Classes for other data.
//
//   - "tiny": 32 channels, mult [1, 2], one ResBlock per level, attention
//     only in the middle: for tests and quick demos.
//   - "small": 64 channels, mult [1, 2, 2], two ResBlocks, attention at 7.
//   - "bench": bench-unet (models/benchunet): 32 channels, mult [1, 2, 4],
//     two ResBlocks, one head at 7, GroupNorm(8). Its parameters have the
//     same names and shapes as benchunet's, so either loads the other's
//     checkpoints.
func Preset(name string) (Config, error) {
	base := Config{ImageSize: 28, InChannels: 1, OutChannels: 1, Heads: 1, Classes: 10, Groups: 8}
	switch name {
	case "tiny":
		base.Channels, base.ChannelMult, base.ResBlocks = 32, []int{1, 2}, 1
		base.AttentionResolutions = []int{}
	case "small":
		base.Channels, base.ChannelMult, base.ResBlocks = 64, []int{1, 2, 2}, 2
		base.AttentionResolutions, base.Heads = []int{7}, 4
	case "bench":
		base.Channels, base.ChannelMult, base.ResBlocks = 32, []int{1, 2, 4}, 2
		base.AttentionResolutions = []int{7}
	default:
		return Config{}, fmt.Errorf("unet: preset %q: want one of %s", name, strings.Join(Presets, ", "))
	}
	return base, nil
}

// TimeDim is the width of the sinusoidal time features: Channels.
func (c Config) TimeDim() int { return c.Channels }

// EmbDim is the width of the time and class embeddings: 4·Channels.
func (c Config) EmbDim() int { return 4 * c.Channels }

// Resolutions returns the resolution of each level: ImageSize/2^i.
func (c Config) Resolutions() []int {
	res := make([]int, len(c.ChannelMult))
	for i := range res {
		res[i] = c.ImageSize >> i
	}
	return res
}

// Validate reports the first field that cannot make a working U-Net, naming
// the JSON key and what it should be.
func (c Config) Validate() error {
	bad := func(field, want string, got any) error {
		return fmt.Errorf("unet config: field %q: want %s, got %v", field, want, got)
	}
	switch {
	case c.ImageSize < 1:
		return bad("image_size", "a positive size", c.ImageSize)
	case c.InChannels < 1:
		return bad("in_channels", "a positive count", c.InChannels)
	case c.OutChannels < 1:
		return bad("out_channels", "a positive count", c.OutChannels)
	case c.Channels < 2 || c.Channels%2 != 0:
		return bad("channels", "a positive even width", c.Channels)
	case len(c.ChannelMult) == 0:
		return bad("channel_mult", "at least one level", "[]")
	case c.ResBlocks < 1:
		return bad("res_blocks", "at least 1", c.ResBlocks)
	case c.Heads < 1:
		return bad("heads", "at least 1", c.Heads)
	case !(c.Dropout >= 0 && c.Dropout < 1):
		return bad("dropout", "a probability in [0, 1)", c.Dropout)
	case c.Classes < 0:
		return bad("classes", "0 (unconditional) or a positive count", c.Classes)
	case c.Groups < 1:
		return bad("groups", "at least 1", c.Groups)
	case c.ContextDim < 0:
		return bad("context_dim", "0 (no text context) or a positive width", c.ContextDim)
	}
	for i, m := range c.ChannelMult {
		if m < 1 {
			return bad(fmt.Sprintf("channel_mult[%d]", i), "a positive multiplier", m)
		}
	}
	if levels := len(c.ChannelMult); c.ImageSize%(1<<(levels-1)) != 0 {
		return bad("image_size", fmt.Sprintf("a multiple of %d, so that %d levels halve it evenly", 1<<(levels-1), levels), c.ImageSize)
	}
	res := c.Resolutions()
	for i, r := range c.AttentionResolutions {
		if !slices.Contains(res, r) {
			return bad(fmt.Sprintf("attention_resolutions[%d]", i), fmt.Sprintf("one of the level resolutions %v", res), r)
		}
	}
	// Every GroupNorm input width, including the decoder's concatenations.
	for _, w := range c.widths() {
		if w%c.Groups != 0 {
			return bad("groups", fmt.Sprintf("a divisor of every block width %v", c.widths()), c.Groups)
		}
	}
	for i, r := range res {
		w := c.Channels * c.ChannelMult[i]
		if (i == len(res)-1 || slices.Contains(c.AttentionResolutions, r)) && w%c.Heads != 0 {
			return bad("heads", fmt.Sprintf("a divisor of the attention width %d", w), c.Heads)
		}
	}
	return nil
}

// widths lists every width a GroupNorm sees, sorted and without repeats.
func (c Config) widths() []int {
	set := map[int]bool{}
	skips := []int{c.Channels}
	ch := c.Channels
	for i, m := range c.ChannelMult {
		for range c.ResBlocks {
			set[ch] = true
			ch = c.Channels * m
			skips = append(skips, ch)
		}
		if i < len(c.ChannelMult)-1 {
			skips = append(skips, ch)
		}
	}
	set[ch] = true
	for i := len(c.ChannelMult) - 1; i >= 0; i-- {
		for range c.ResBlocks + 1 {
			set[ch+skips[len(skips)-1]] = true
			skips = skips[:len(skips)-1]
			ch = c.Channels * c.ChannelMult[i]
			set[ch] = true
		}
	}
	ws := make([]int, 0, len(set))
	for w := range set {
		ws = append(ws, w)
	}
	sort.Ints(ws)
	return ws
}
