package text

import (
	"fmt"
	"hash/fnv"
	"slices"
)

// NoveltyWindow is the window length, in characters, over which
// TrainingIndex finds copied text.
const NoveltyWindow = 32

// TrainingIndex remembers the training documents and a hash of every
// window of Window consecutive characters inside them, to tell how much of
// a sample is copied. Windows are 64-bit FNV-1a hashes of the window's
// UTF-8 bytes in a sorted slice (8 bytes per window; about 8 MB for 1 MB of
// text); a sample window that collides with a training one by chance is
// counted as copied, with probability about (training windows)/2⁶⁴.
type TrainingIndex struct {
	Window int

	docs    map[string]struct{}
	windows []uint64 // sorted, distinct
}

// NewTrainingIndex indexes the training texts with the given window length
// (NoveltyWindow unless there is a reason); windows do not cross from one
// document into the next.
func NewTrainingIndex(train []string, window int) (*TrainingIndex, error) {
	if window < 1 {
		return nil, fmt.Errorf("text: novelty window %d: want at least 1 character", window)
	}
	x := &TrainingIndex{Window: window, docs: make(map[string]struct{}, len(train))}
	for _, s := range train {
		x.docs[s] = struct{}{}
		x.windows = appendWindows(x.windows, s, window)
	}
	slices.Sort(x.windows)
	x.windows = slices.Compact(x.windows)
	return x, nil
}

// appendWindows appends the hashes of the windows of n characters of s.
func appendWindows(dst []uint64, s string, n int) []uint64 {
	starts := make([]int, 0, len(s)+1) // byte offset of each character, then len(s)
	for i := range s {
		starts = append(starts, i)
	}
	starts = append(starts, len(s))
	h := fnv.New64a()
	for i := 0; i+n < len(starts); i++ {
		h.Reset()
		h.Write([]byte(s[starts[i]:starts[i+n]]))
		dst = append(dst, h.Sum64())
	}
	return dst
}

// Seen reports whether s is verbatim one of the training documents.
func (x *TrainingIndex) Seen(s string) bool {
	_, ok := x.docs[s]
	return ok
}

// CopiedWindows returns the share of the windows of Window characters of
// the samples that occur in a training document, and the number of
// windows (samples shorter than Window have none); the share is 0 when
// there are none.
func (x *TrainingIndex) CopiedWindows(samples []string) (share float64, windows int) {
	found := 0
	var hs []uint64
	for _, s := range samples {
		hs = appendWindows(hs[:0], s, x.Window)
		for _, h := range hs {
			if _, ok := slices.BinarySearch(x.windows, h); ok {
				found++
			}
		}
		windows += len(hs)
	}
	if windows == 0 {
		return 0, 0
	}
	return float64(found) / float64(windows), windows
}
