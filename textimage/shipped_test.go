package textimage

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/models/shipped"
)

// The shipped model is at most 32 MB with its autoencoder (the issue's
// bound), its README names its SHA-256, it loads as a latent model with
// its own autoencoder, and it samples deterministically from a prompt of
// the emoji names (64×64 RGB in [-1, 1]); an unknown character is
// refused. Time budget: about a second (one image twice, 2 steps).
func TestShippedModel(t *testing.T) {
	if n := len(shipped.Emoji()); n > 32e6 {
		t.Errorf("the shipped model is %d bytes, over 32 MB", n)
	}
	readme, err := os.ReadFile("../models/shipped/README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), ShippedSHA256()) {
		t.Errorf("models/shipped/README.md does not name the shipped file's SHA-256 %s", ShippedSHA256())
	}
	m, err := LoadShipped("")
	if err != nil {
		t.Fatal(err)
	}
	if m.Spec.Space != Latent || m.AE == nil || m.Spec.ImageSize != 64 {
		t.Fatalf("shipped model: space %q, size %d, autoencoder %v: want a latent 64×64 model with its autoencoder", m.Spec.Space, m.Spec.ImageSize, m.AE != nil)
	}
	opts := SampleOptions{Guidance: 4, Seed: 3, Sampler: ddim(2)}
	a, err := m.Sample(context.Background(), []string{"Red apple"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if a.Shape[0] != 1 || a.Shape[1] != 3 || a.Shape[2] != 64 || a.Shape[3] != 64 {
		t.Fatalf("images %v, want (1, 3, 64, 64)", a.Shape)
	}
	b, err := m.Sample(context.Background(), []string{"Red apple"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	sameBits(t, "the same settings again", a, b)
	for i, v := range a.Data {
		if !(v >= -1 && v <= 1) {
			t.Fatalf("value %d is %v, want in [-1, 1]", i, v)
		}
	}
	if _, err := m.Sample(context.Background(), []string{"red apple?"}, opts); err == nil || !strings.Contains(err.Error(), "not in the text encoder's vocabulary") {
		t.Errorf("prompt with '?': err = %v", err)
	}
}
