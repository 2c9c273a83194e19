// Package search finds similar images with a diffusion model's encoder.
//
// An image x in [−1, 1] is noised lightly with a fixed noise image,
// x_t = √ᾱ_T·x + √(1−ᾱ_T)·ε at a small step T, and run through the U-Net's
// encoder and middle block once with the null label (unet.Model.Encode);
// the bottleneck activations (optionally every encoder activation) are
// averaged over the cells of a coarse grid (7×7 by default, chosen on
// training data: a global mean loses the layout and ranks worse than raw
// pixels) and scaled to unit length, so that the dot product of two
// vectors is their cosine similarity. Everything is
// deterministic: the same weights, options and image give the same bits,
// whatever else is in the batch.
//
// An Index holds a name and a vector per image with the checkpoint's
// SHA-256, the image shape and the Options; it is saved as safetensors (the
// vectors as F32, the rest as JSON in the header), atomically. Nearest is
// an exact k-nearest-neighbour search by cosine similarity (one GEMM per
// block of queries, selection in parallel).
//
//	e, err := search.NewEmbedder(p.Net, p.Schedule, search.DefaultOptions())
//	ix, err := search.Build(e, images, names, search.Meta{Model: sha, Source: dir})
//	err = ix.Save("index.safetensors")
//	hits, err := ix.Search(e, query, 10) // hits[0][0].Index, .Similarity
package search
