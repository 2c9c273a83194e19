package autoencoder

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/diffusego/diffusego/checkpoint"
)

// File names inside an autoencoder folder.
const (
	WeightsFile = "autoencoder.safetensors"
	ConfigFile  = "autoencoder.json"
)

// saved is autoencoder.json: the config and the weights' hash.
type saved struct {
	Config Config `json:"config"`
	// Hash is the SHA-256 of autoencoder.safetensors, hex.
	Hash string `json:"hash"`
}

// Hash returns the SHA-256 (hex) of the autoencoder's weights and config
// as Save writes them: two autoencoders with one hash decode alike.
func (a *Autoencoder) Hash() (string, error) {
	raw, err := a.encode()
	if err != nil {
		return "", err
	}
	return hashOf(raw), nil
}

func hashOf(raw []byte) string {
	s := sha256.Sum256(raw)
	return hex.EncodeToString(s[:])
}

// encode serialises the weights with the config in the metadata, so the
// hash covers Scale too.
func (a *Autoencoder) encode() ([]byte, error) {
	ts, err := checkpoint.ParamTensors(a.Params(), "")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	meta := map[string]string{"format": "diffusego-autoencoder", "scale": fmt.Sprint(a.Config.Scale)}
	if err := checkpoint.Encode(&buf, ts, meta); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Save writes dir/autoencoder.safetensors and dir/autoencoder.json, each
// atomically, creating dir.
func (a *Autoencoder) Save(dir string) error {
	raw, err := a.encode()
	if err != nil {
		return fmt.Errorf("autoencoder %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("autoencoder: %w", err)
	}
	err = checkpoint.WriteAtomic(filepath.Join(dir, WeightsFile), func(w io.Writer) error {
		_, err := w.Write(raw)
		return err
	})
	if err != nil {
		return err
	}
	return checkpoint.WriteJSON(filepath.Join(dir, ConfigFile), saved{Config: a.Config, Hash: hashOf(raw)})
}

// Load reads an autoencoder saved by Save. The weights file must hash to
// the hash in autoencoder.json and hold exactly the config's tensors;
// otherwise Load returns an error naming the file.
func Load(dir string) (*Autoencoder, string, error) {
	cfgFile := filepath.Join(dir, ConfigFile)
	var s saved
	if err := checkpoint.ReadJSON(cfgFile, &s); err != nil {
		return nil, "", fmt.Errorf("autoencoder: %w", err)
	}
	if err := s.Config.Validate(); err != nil {
		return nil, "", fmt.Errorf("%s: %w", cfgFile, err)
	}
	wFile := filepath.Join(dir, WeightsFile)
	raw, err := os.ReadFile(wFile)
	if err != nil {
		return nil, "", fmt.Errorf("autoencoder: %w", err)
	}
	if h := hashOf(raw); h != s.Hash {
		return nil, "", fmt.Errorf("autoencoder %s: SHA-256 %s, but %s records %s: the files are from different models", wFile, h[:12], cfgFile, short(s.Hash))
	}
	f, err := checkpoint.Decode(raw, wFile)
	if err != nil {
		return nil, "", err
	}
	a := New(s.Config, 0)
	if err := checkpoint.LoadParams(wFile, a.Params(), f.Tensors, ""); err != nil {
		return nil, "", err
	}
	return a, s.Hash, nil
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return fmt.Sprintf("%q", h)
}

// CheckHash refuses a latent model trained with another autoencoder:
// want is the hash the latent model recorded, got this autoencoder's.
func CheckHash(model string, want, got string) error {
	if want != got {
		return fmt.Errorf("%s was trained on latents of autoencoder %s, not of the one given (%s): refusing to decode with a different autoencoder", model, short(want), short(got))
	}
	return nil
}
