package autoencoder

import "fmt"

// Config fixes an autoencoder's architecture and latent scale.
type Config struct {
	// Channels is the width of the first level; level i has
	// Channels·Mults[i] channels.
	Channels int `json:"channels"`
	// Mults has one entry per downsampling by 2: f = 2^len(Mults).
	Mults []int `json:"mults"`
	// Latent is the number of latent channels.
	Latent int `json:"latent"`
	// Groups is the GroupNorm group count; it divides every width.
	Groups int `json:"groups"`
	// Beta weights the KL term (see the package comment).
	Beta float64 `json:"beta"`
	// Scale multiplies the mean latents before diffusion sees them (and
	// divides them before decoding): 1/std of the latents on the training
	// data, set by Calibrate. 1 before calibration.
	Scale float64 `json:"scale"`
}

// Small is the emoji autoencoder: 64×64×3 → 16×16×4 (f = 4), widths 32
// and 64.
func Small() Config {
	return Config{Channels: 32, Mults: []int{1, 2}, Latent: 4, Groups: 8, Beta: 1e-4, Scale: 1}
}

// Tiny is a test-sized autoencoder: widths 8 and 8, f = 4, 2 latents.
func Tiny() Config {
	return Config{Channels: 8, Mults: []int{1, 1}, Latent: 2, Groups: 4, Beta: 1e-4, Scale: 1}
}

// Factor is the downsampling factor f = 2^len(Mults).
func (c Config) Factor() int { return 1 << len(c.Mults) }

// Validate checks c, naming the field that is wrong.
func (c Config) Validate() error {
	bad := func(field, want string, got any) error {
		return fmt.Errorf("autoencoder config: field %q: want %s, got %v", field, want, got)
	}
	switch {
	case c.Channels < 1:
		return bad("channels", "a positive width", c.Channels)
	case len(c.Mults) < 1 || len(c.Mults) > 4:
		return bad("mults", "1 to 4 levels", c.Mults)
	case c.Latent < 1:
		return bad("latent", "a positive channel count", c.Latent)
	case c.Groups < 1:
		return bad("groups", "a positive group count", c.Groups)
	case !(c.Beta >= 0):
		return bad("beta", "a weight ≥ 0", c.Beta)
	case !(c.Scale > 0):
		return bad("scale", "a positive scale", c.Scale)
	}
	for i, m := range c.Mults {
		if m < 1 || (c.Channels*m)%c.Groups != 0 {
			return bad(fmt.Sprintf("mults[%d]", i), fmt.Sprintf("a positive multiplier giving a width divisible by groups %d", c.Groups), m)
		}
	}
	if c.Channels%c.Groups != 0 {
		return bad("channels", fmt.Sprintf("a width divisible by groups %d", c.Groups), c.Channels)
	}
	return nil
}
