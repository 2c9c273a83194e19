// Package emoji reads the emoji data set: 64×64 colour pictures of every
// Unicode emoji in two drawing styles, Google's Noto Emoji (Apache-2.0)
// and Twitter's Twemoji (CC-BY 4.0), with the names Unicode gives them
// ("grinning face", "red apple") as captions. fetch.sh (make emoji)
// downloads them from the npm packages emoji-datasource-google@16.0.0 and
// emoji-datasource-twitter@16.0.0 and keeps their licences beside them.
//
// It lives under data/ rather than in a modality package of its own:
// it is a captioned image set, read into the same (N, 3, H, W) tensors in
// [-1, 1] as data.ImageDir, and the models that use it are image models.
//
// Model: one Item per (emoji, style) whose picture exists, base emoji
// only (skin-tone variants are left out, so that a caption names one
// picture per style). The caption is the lower-cased Unicode name; the
// short names ("apple", "red_apple" → "red apple") are alternatives. The
// pixels are RGBA composited on white (the pictures are drawn to be seen
// on a page, and white keeps the outlines that black would swallow); a
// palette PNG is converted, not refused. Split holds out a seeded
// fraction of the names entirely: a held-out name is absent from
// training in both styles, so test prompts are prompts the model never saw.
//
//	set, err := emoji.Open("out/emoji", "google", "twitter")
//	split := set.Split(0.1, 1)
//	x, err := set.Batch(split.Train[:64]) // (64, 3, 64, 64) in [-1, 1]
package emoji
