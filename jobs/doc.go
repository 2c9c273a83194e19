// Package jobs holds the units of work of the image commands that scale
// out: drawing samples, extracting evaluation features, indexing and
// anomaly scoring, each for one shard of the whole job, and the merging of
// the shards' parts into what one unsharded run makes.
//
// Both the diffuse command (one process, or one process per shard with
// --shard I --shards N) and the Apache Beam pipelines of the beam module
// call these functions, so a pipeline's output is the command's by
// construction: there is one implementation of each step.
//
// A job of n items split into N shards gives shard I the items
// [⌊I·n/N⌋, ⌊(I+1)·n/N⌋) (Shard.Span), or whole chunks of them when the
// work is done in chunks whose result depends on the chunk (Shard.ChunkSpan).
// Every item draws its randomness from (seed, global index), so the union
// of the shards' outputs is the unsharded run's, whatever N.
//
//	p, sha, err := jobs.LoadModel("runs/fashion", false)
//	spec := jobs.SampleSpec{N: 1000, Sampler: "dpmpp2m", Steps: 20, Seed: 1, Guidance: 3, Temperature: 1, Threshold: true, Hash: sha}
//	lo, hi := jobs.Shard{I: 3, N: 16}.Span(spec.N)
//	files, err := spec.Images(ctx, p, lo, hi) // PNG bytes named 000187_c7.png …
package jobs
