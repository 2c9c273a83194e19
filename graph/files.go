package graph

import (
	"io"

	"github.com/diffusego/diffusego/checkpoint"
)

// WriteJSONFile writes graphs to path in the JSON format, atomically
// (checkpoint.WriteAtomic): a reader sees the old file or the new one.
func WriteJSONFile(path string, graphs []*Graph) error {
	return checkpoint.WriteAtomic(path, func(w io.Writer) error { return WriteJSON(w, graphs) })
}

// WriteEdgeListFile writes graphs to path in the edge-list format,
// atomically.
func WriteEdgeListFile(path string, graphs []*Graph) error {
	return checkpoint.WriteAtomic(path, func(w io.Writer) error { return WriteEdgeList(w, graphs) })
}
