package classifier

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"

	"github.com/diffusego/diffusego/checkpoint"
)

//go:generate go run ./internal/makeemoji -data ../../out/emoji -out weights/emoji.safetensors -epochs 24

// emojiWeights is the shipped emoji network; weights/README.md says how
// it was made.
//
//go:embed weights/emoji.safetensors
var emojiWeights []byte

// LoadEmoji returns the shipped emoji network (DefaultEmojiConfig, trained
// on the training names' pictures of the emoji set) and its metadata: the
// recipe and its accuracy on the held-out names' pictures
// ("heldout_category_accuracy", "heldout_subcat_accuracy").
func LoadEmoji() (*EmojiNet, map[string]string, error) {
	f, err := checkpoint.Decode(emojiWeights, "classifier/weights/emoji.safetensors")
	if err != nil {
		return nil, nil, err
	}
	return loadEmoji("classifier/weights/emoji.safetensors", f)
}

// EmojiSHA256 is the SHA-256 (hex) of the shipped emoji network's file,
// to record which feature network scored a set.
func EmojiSHA256() string {
	sum := sha256.Sum256(emojiWeights)
	return hex.EncodeToString(sum[:])
}
