package shipped

import _ "embed"

// EmojiName is the file name of the shipped text-to-image model.
const EmojiName = "emoji-latent.safetensors"

//go:embed emoji-latent.safetensors
var emoji []byte

// Emoji returns the shipped latent text-to-image model, trained on the
// emoji pictures and their names: a sampling-only export (EMA weights,
// the model's spec in the header and its autoencoder's weights and
// config), readable by textimage.LoadBytes. Callers must not modify the
// returned bytes.
func Emoji() []byte { return emoji }
