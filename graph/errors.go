package graph

import (
	"fmt"
	"strconv"
)

// ParseError reports bad graph input: the file, the line (1-based; 0 when
// not known), the field, what was expected and what was found.
//
//	graph: train.edges:12: field "target": want a node listed in "nodes", got 17
type ParseError struct {
	File  string // the name as given by the caller
	Line  int    // 1-based line; 0 when not line-based
	Field string // the part of the record that is wrong; may be empty
	Want  string // what was expected
	Got   string // what was found
}

// Error formats e as `graph: FILE[:LINE]: field "F": want W, got G`.
func (e *ParseError) Error() string {
	s := "graph: " + e.File
	if e.Line > 0 {
		s += ":" + strconv.Itoa(e.Line)
	}
	if e.Field != "" {
		s += fmt.Sprintf(": field %q", e.Field)
	}
	return s + ": want " + e.Want + ", got " + e.Got
}
