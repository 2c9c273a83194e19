package transformer

import "fmt"

// Fixed sizes of the architecture (TEXT_SPEC.md, "Network").
const (
	TimeDim   = 128    // sinusoidal time features: 64 sines then 64 cosines
	TimeScale = 1000.0 // the features are of TimeScale·t
	MLPRatio  = 4      // the MLP's hidden width is MLPRatio·D
	NormEps   = 1e-6   // every LayerNorm's ε
	PosStd    = 0.02   // pos_emb starts N(0, PosStd²)
)

// Config describes a transformer. It is saved next to checkpoints as JSON
// (the field tags are the file's keys), so every field is plain data.
type Config struct {
	Vocab  int `json:"vocab"`   // input token ids 0 … Vocab−1, the mask token included
	Out    int `json:"out"`     // logits per position
	D      int `json:"d"`       // model width
	Layers int `json:"layers"`  // transformer blocks
	Heads  int `json:"heads"`   // attention heads; they split D evenly
	MaxLen int `json:"max_len"` // longest sequence (rows of pos_emb); with Rotary, unbounded
	// Causal masks future positions in attention (an autoregressive
	// decoder); otherwise attention is bidirectional.
	Causal bool `json:"causal"`
	// TimeCond adds the time MLP and DiT's adaLN modulation; without it the
	// blocks are plain pre-LN blocks with affine LayerNorms, and Forward
	// takes no times.
	TimeCond bool `json:"time_cond"`
	// Rotary rotates queries and keys (RoPE, Su et al. 2021) instead of
	// adding pos_emb, which the model then does not have.
	Rotary bool `json:"rotary"`
}

// Bench is bench-text (TEXT_SPEC.md): 128 ASCII characters plus the mask
// token in, 128 logits out, d 256, 6 blocks of 4 heads, length 256,
// bidirectional, time-conditioned, learned positions.
func Bench() Config {
	return Config{Vocab: 129, Out: 128, D: 256, Layers: 6, Heads: 4, MaxLen: 256, TimeCond: true}
}

// Validate reports the first field that cannot make a working model,
// naming the JSON key and what it should be.
func (c Config) Validate() error {
	bad := func(field, want string, got any) error {
		return fmt.Errorf("transformer config: field %q: want %s, got %v", field, want, got)
	}
	switch {
	case c.Vocab < 1:
		return bad("vocab", "a positive count", c.Vocab)
	case c.Out < 1:
		return bad("out", "a positive count", c.Out)
	case c.D < 1:
		return bad("d", "a positive width", c.D)
	case c.Layers < 1:
		return bad("layers", "at least 1", c.Layers)
	case c.Heads < 1 || c.D%c.Heads != 0:
		return bad("heads", fmt.Sprintf("a divisor of d = %d", c.D), c.Heads)
	case c.Rotary && (c.D/c.Heads)%2 != 0:
		return bad("heads", fmt.Sprintf("a head width d/heads that is even, for rotary (d = %d)", c.D), c.Heads)
	case c.MaxLen < 1:
		return bad("max_len", "a positive length", c.MaxLen)
	}
	return nil
}
