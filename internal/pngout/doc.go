// Package pngout writes the PNG files diffusego produces: sample grids,
// sampling trajectories and loss curves, each carrying the settings that
// made it as PNG text chunks, so that a picture can be traced back to (and
// re-made from) its seed, sampler, steps and checkpoint.
//
// Images come in as tensors laid out (N, C, H, W) with values in [-1, 1]
// (the models' range); C is 1 (grey) or 3 (RGB). Values are clipped and
// mapped to bytes by round((v + 1)·127.5). Grid puts a batch in rows and
// columns with white padding, Trajectory puts one sample per row and one
// sampling step per column, LossCurve plots training losses with
// gonum.org/v1/plot (linear or log y, optional moving average).
//
// Encode and WriteFile add one tEXt chunk per key (iTXt for non-ASCII
// values), in sorted key order, right after the PNG header; ReadText reads
// them back. Encoding is deterministic: the same image and settings give
// the same bytes. WriteFile replaces the file atomically.
//
//	img, err := pngout.Grid(samples, 8, 2) // samples: (64, 1, 28, 28)
//	if err != nil {
//		return err
//	}
//	err = pngout.WriteFile("samples.png", img, map[string]string{
//		"sampler": "ddim", "steps": "50", "seed": "1", "checkpoint": "run/step-20000.safetensors",
//	})
//	settings, err := pngout.ReadFileText("samples.png") // settings["steps"] == "50"
package pngout
