// Package pipelines holds the Apache Beam pipelines of diffuse-beam:
// sample, eval, index and anomaly. Each splits its job into shards
// (jobs.Shard) and runs, for every shard, the function that the diffuse
// command runs for --shard I --shards N; a last step merges the parts with
// the function diffuse merge calls. The outputs are therefore the
// single-process command's outputs, byte for byte (sample, index, anomaly)
// or to rounding of the same computation (eval's report, from the same
// features in the same order).
//
// Files are read and written through Beam's filesystem layer
// (io/filesystem), so the checkpoint and the outputs may be local paths or
// gs:// (and any other registered scheme). The image inputs of eval,
// index and anomaly are read by the same functions as the command, from
// paths every worker sees (a local disk with prism; a shared mount on a
// cluster).
//
// The checkpoint is read once per worker process and checked against the
// SHA-256 the launching process computed: a worker that sees another file
// under the same name fails the job instead of mixing models.
package pipelines
