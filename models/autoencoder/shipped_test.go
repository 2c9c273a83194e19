package autoencoder

import (
	"os"
	"testing"

	"github.com/diffusego/diffusego/data/emoji"
)

// shippedDir is the emoji autoencoder kept in the repository
// (weights/emoji/README.md says how it was made).
const shippedDir = "weights/emoji"

// TestShippedEmojiAutoencoder loads the shipped autoencoder (its weights
// must hash to the hash its JSON records) and, with the emoji set (make
// emoji), checks its reconstruction of the first 64 held-out pictures:
// PSNR ≥ 23 dB (its README states the measurement on all 382). Time
// budget: about a second.
func TestShippedEmojiAutoencoder(t *testing.T) {
	a, hash, err := Load(shippedDir)
	if err != nil {
		t.Fatal(err)
	}
	if a.Config.Factor() != 4 || a.Config.Latent != 4 || len(hash) != 64 {
		t.Fatalf("shipped autoencoder: factor %d, %d latents, hash %q: want 4, 4 and a SHA-256", a.Config.Factor(), a.Config.Latent, hash)
	}
	const dir = "../../out/emoji"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("emoji set not at %s (make emoji)", dir)
	}
	set, err := emoji.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	x, err := set.Batch(set.Split(0.1, 1).Test[:64])
	if err != nil {
		t.Fatal(err)
	}
	psnr, ssim, _, err := a.Quality(x, 32)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first 64 held-out pictures: PSNR %.2f dB, SSIM %.4f", psnr, ssim)
	if psnr < 23 {
		t.Errorf("PSNR %.2f dB on held-out pictures, want ≥ 23", psnr)
	}
}
