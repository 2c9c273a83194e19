package textimage

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/diffusego/diffusego/models/shipped"
)

// ShippedSource names the shipped model in errors and in the settings of
// the images made with it.
const ShippedSource = "shipped:" + shipped.EmojiName

// LoadShipped returns the shipped latent text-to-image model
// (models/shipped, an Export of an emoji run) with the autoencoder it
// carries, or the one in aeDir when that is not "" (its hash must match).
func LoadShipped(aeDir string) (*Model, error) {
	return LoadBytes(shipped.Emoji(), ShippedSource, aeDir, true)
}

// ShippedSHA256 is the hex SHA-256 of the shipped model's file, recorded
// in the settings of the images made with it.
func ShippedSHA256() string {
	s := sha256.Sum256(shipped.Emoji())
	return hex.EncodeToString(s[:])
}
