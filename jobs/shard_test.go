package jobs

import (
	"strings"
	"testing"
)

// The shards' spans tile 0..n in order, for items and for whole chunks.
func TestShardSpans(t *testing.T) {
	for _, c := range []struct{ n, shards, chunk int }{{7, 3, 2}, {5, 7, 1}, {1000, 16, 100}, {10, 4, 3}, {0, 2, 5}} {
		next, nextChunked := 0, 0
		for i := range c.shards {
			s := Shard{I: i, N: c.shards}
			lo, hi := s.Span(c.n)
			if lo != next || hi < lo || hi-lo > c.n/c.shards+1 {
				t.Errorf("%+v: shard %d spans [%d, %d), want it to start at %d and hold about n/N", c, i, lo, hi, next)
			}
			next = hi
			lo, hi = s.ChunkSpan(c.n, c.chunk)
			if lo != nextChunked || hi < lo || (lo%c.chunk != 0 && lo != c.n) {
				t.Errorf("%+v: shard %d chunk span [%d, %d), want it to start at %d on a chunk boundary", c, i, lo, hi, nextChunked)
			}
			nextChunked = hi
		}
		if next != c.n || nextChunked != c.n {
			t.Errorf("%+v: spans end at %d and %d, want %d", c, next, nextChunked, c.n)
		}
	}
}

// parts returns the records of a whole job of n items in k shards, made
// with checkpoint sha, named pI.
func parts(n, k int, sha string) []PartRecord {
	var recs []PartRecord
	for i := range k {
		lo, hi := Shard{I: i, N: k}.Span(n)
		recs = append(recs, PartRecord{File: "p" + string(rune('0'+i)), Shard: i, Shards: k, First: lo, Count: hi - lo, Size: n, Checkpoint: sha})
	}
	return recs
}

// CheckParts accepts the parts of one whole in any order and refuses, each
// with the file named, every way parts can fail to make one.
func TestCheckParts(t *testing.T) {
	whole := parts(10, 3, "aa")
	got, err := CheckParts([]PartRecord{whole[2], whole[0], whole[1]})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range got {
		if r.Shard != i {
			t.Errorf("sorted parts: position %d holds shard %d", i, r.Shard)
		}
	}
	outOfRange := whole[1]
	outOfRange.Shard = 5
	otherCount := parts(10, 2, "aa")[1]
	otherCkpt := whole[1]
	otherCkpt.Checkpoint = "bb"
	wrongSpan := whole[1]
	wrongSpan.First++
	otherSize := parts(12, 3, "aa")[1]
	cases := []struct {
		name  string
		parts []PartRecord
		want  string
	}{
		{"shard out of range", []PartRecord{whole[0], outOfRange, whole[2]}, "merge: p1: shard 5 out of range 0..2"},
		{"inconsistent shard counts", []PartRecord{whole[0], otherCount, whole[2]}, "merge: p1 is part of 2 shards, p0 of 3"},
		{"missing shard", []PartRecord{whole[0], whole[2]}, "merge: shard 1 of 3 is missing"},
		{"duplicated shard", []PartRecord{whole[0], whole[1], whole[1], whole[2]}, "merge: p1 and p1 are both shard 1 of 3"},
		{"checkpoint differs", []PartRecord{whole[0], otherCkpt, whole[2]}, "merge: p1 was made with checkpoint sha256 bb, p0 with aa"},
		{"items not the shard's", []PartRecord{whole[0], wrongSpan, whole[2]}, "merge: p1 holds images 4..6, shard 1 of 3 should hold 3..5"},
		{"other sizes", []PartRecord{whole[0], otherSize, whole[2]}, "merge: p1 is a part of 12 images, p0 of 10"},
		{"no parts", nil, "merge: no parts"},
	}
	for _, c := range cases {
		_, err := CheckParts(c.parts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
