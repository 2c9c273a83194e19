package jobs

import (
	"fmt"
	"slices"
)

// Shard is part I of N of a job: the global items [I·n/N, (I+1)·n/N).
type Shard struct {
	I, N int
}

// Span returns the global items [lo, hi) of the shard out of n.
func (s Shard) Span(n int) (lo, hi int) {
	return s.I * n / s.N, (s.I + 1) * n / s.N
}

// ChunkSpan is Span for work done in chunks of chunk items: the shard
// gets whole chunks [I·k/N, (I+1)·k/N) of the k = ⌈n/chunk⌉, so that every
// chunk is the same in a sharded and an unsharded run.
func (s Shard) ChunkSpan(n, chunk int) (lo, hi int) {
	k := (n + chunk - 1) / chunk
	return min(s.I*k/s.N*chunk, n), min((s.I+1)*k/s.N*chunk, n)
}

// String is "shard I of N".
func (s Shard) String() string { return fmt.Sprintf("shard %d of %d", s.I, s.N) }

// PartRecord is what every part of a sharded run says about its place in
// the whole.
type PartRecord struct {
	File               string // where the part came from, for errors
	Shard, Shards      int
	First, Count, Size int    // items [First, First+Count) of Size
	Checkpoint         string // SHA-256 of the model (or feature network) that made it
	Chunk              int    // > 0: the parts split whole chunks (Shard.ChunkSpan)
}

// CheckParts orders the parts by shard and checks that they are one whole:
// the same shard count, size and checkpoint, each shard once, in range,
// with the items its shard number gives it. Errors name the files.
func CheckParts(recs []PartRecord) ([]PartRecord, error) {
	if len(recs) == 0 {
		return nil, fmt.Errorf("merge: no parts")
	}
	a := recs[0]
	seen := map[int]string{}
	for _, r := range recs {
		switch {
		case r.Shards != a.Shards:
			return nil, fmt.Errorf("merge: %s is part of %d shards, %s of %d", r.File, r.Shards, a.File, a.Shards)
		case r.Shard < 0 || r.Shard >= r.Shards:
			return nil, fmt.Errorf("merge: %s: shard %d out of range 0..%d", r.File, r.Shard, r.Shards-1)
		case seen[r.Shard] != "":
			return nil, fmt.Errorf("merge: %s and %s are both shard %d of %d", seen[r.Shard], r.File, r.Shard, r.Shards)
		case r.Checkpoint != a.Checkpoint:
			return nil, fmt.Errorf("merge: %s was made with checkpoint sha256 %s, %s with %s", r.File, r.Checkpoint, a.File, a.Checkpoint)
		case r.Size != a.Size:
			return nil, fmt.Errorf("merge: %s is a part of %d images, %s of %d", r.File, r.Size, a.File, a.Size)
		case r.Chunk != a.Chunk:
			return nil, fmt.Errorf("merge: %s was scored in chunks of %d, %s in chunks of %d", r.File, r.Chunk, a.File, a.Chunk)
		}
		lo, hi := Shard{r.Shard, r.Shards}.Span(r.Size)
		if r.Chunk > 0 {
			lo, hi = Shard{r.Shard, r.Shards}.ChunkSpan(r.Size, r.Chunk)
		}
		if r.First != lo || r.Count != hi-lo {
			return nil, fmt.Errorf("merge: %s holds images %d..%d, shard %d of %d should hold %d..%d", r.File, r.First, r.First+r.Count-1, r.Shard, r.Shards, lo, hi-1)
		}
		seen[r.Shard] = r.File
	}
	for i := range a.Shards {
		if seen[i] == "" {
			return nil, fmt.Errorf("merge: shard %d of %d is missing (have %d parts, first %s)", i, a.Shards, len(recs), a.File)
		}
	}
	recs = slices.Clone(recs)
	slices.SortFunc(recs, func(x, y PartRecord) int { return x.Shard - y.Shard })
	return recs, nil
}

// RequestError is a request the caller got wrong (a bad image source, an
// empty shard, a model that cannot do what was asked), as opposed to a
// failure while doing it. The diffuse command reports it as a usage error.
type RequestError struct{ Err error }

func (e *RequestError) Error() string { return e.Err.Error() }
func (e *RequestError) Unwrap() error { return e.Err }

// requestf returns a *RequestError with a formatted message.
func requestf(format string, args ...any) error {
	return &RequestError{fmt.Errorf(format, args...)}
}
