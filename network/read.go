package network

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// ParseError is a graph or incidence file that cannot be read: it names
// the file, the 1-based line (0 when unknown), the field and what was
// expected.
type ParseError struct {
	File  string
	Line  int
	Field string
	Want  string
	Got   string
}

// Error formats e as "network: FILE:LINE: FIELD: want W, got G".
func (e *ParseError) Error() string {
	s := "network: " + e.File
	if e.Line > 0 {
		s += ":" + strconv.Itoa(e.Line)
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	return s + ": want " + e.Want + ", got " + e.Got
}

// ReadGraph reads a graph file: JSON in the node-link format of
// miserables.json when the name ends in .json, an edge list otherwise.
func ReadGraph(path string, directed bool) (*Graph, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	if strings.HasSuffix(strings.ToLower(path), ".json") {
		return ParseJSON(path, b, directed)
	}
	return ParseEdgeList(path, bytes.NewReader(b), directed)
}

// ParseEdgeList reads an edge list: one edge "a b" or "a b weight" per line
// (fields separated by spaces or tabs), a lone name for a node without
// edges, '#' starting a comment. Nodes are named by their tokens and
// numbered in order of first appearance. Weights must be finite and > 0.
// name is the file name used in errors.
func ParseEdgeList(name string, r io.Reader, directed bool) (*Graph, error) {
	g := NewGraph(directed)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		f := strings.Fields(text)
		switch len(f) {
		case 0:
			continue
		case 1:
			g.AddNode(f[0], 0)
			continue
		case 2, 3:
		default:
			return nil, &ParseError{File: name, Line: line, Field: "edge", Want: `"a b" or "a b weight"`, Got: fmt.Sprintf("%d fields", len(f))}
		}
		w := 1.0
		if len(f) == 3 {
			v, err := strconv.ParseFloat(f[2], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, &ParseError{File: name, Line: line, Field: "weight", Want: "a number", Got: strconv.Quote(f[2])}
			}
			if v <= 0 {
				return nil, &ParseError{File: name, Line: line, Field: "weight", Want: "a weight > 0", Got: f[2]}
			}
			w = v
		}
		if f[0] == f[1] {
			return nil, &ParseError{File: name, Line: line, Field: "edge", Want: "two different nodes", Got: "a self-loop on " + strconv.Quote(f[0])}
		}
		if err := g.AddEdge(g.AddNode(f[0], 0), g.AddNode(f[1], 0), w); err != nil {
			return nil, &ParseError{File: name, Line: line, Field: "edge", Want: "a valid edge", Got: err.Error()}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{File: name, Line: line + 1, Field: "line", Want: "a line under 1 MiB", Got: err.Error()}
	}
	if g.N() == 0 {
		return nil, &ParseError{File: name, Field: "edges", Want: "at least one node or edge", Got: "an empty file"}
	}
	return g, nil
}

// jsonNode and jsonLink are the entries of the node-link format:
// {"nodes": [{"name": "Myriel", "group": 1}, …],
// "links": [{"source": 1, "target": 0, "value": 1}, …]}.
// source and target are node indices (positions in nodes) or names.
type jsonNode struct {
	Name  *string `json:"name"`
	Group int     `json:"group"`
}

type jsonLink struct {
	Source json.RawMessage `json:"source"`
	Target json.RawMessage `json:"target"`
	Value  *float64        `json:"value"`
}

// ParseJSON reads a graph in the node-link JSON format of miserables.json
// (vega-datasets): nodes with a name and an optional group, links with
// source, target (node index or name) and an optional value (the weight,
// default 1, must be > 0). Errors name the line of the entry and its
// position, as in "links[12].target". name is the file name used in errors.
func ParseJSON(name string, b []byte, directed bool) (*Graph, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, &ParseError{File: name, Field: "graph", Want: `a JSON object {"nodes": […], "links": […]}`, Got: "an empty file"}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	bad := func(err error) error {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return &ParseError{File: name, Line: lineAt(b, se.Offset), Field: "JSON", Want: "valid JSON", Got: se.Error()}
		case errors.As(err, &te):
			return &ParseError{File: name, Line: lineAt(b, te.Offset), Field: te.Field, Want: "a " + te.Type.String(), Got: "a JSON " + te.Value}
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return &ParseError{File: name, Line: lineAt(b, int64(len(b))), Field: "JSON", Want: "valid JSON", Got: "the end of the file"}
		}
		return &ParseError{File: name, Field: "JSON", Want: "valid JSON", Got: err.Error()}
	}
	expect := func(want json.Delim, what string) error {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != want {
			return &ParseError{File: name, Line: lineAt(b, off), Field: what, Want: fmt.Sprintf("%q", string(want)), Got: fmt.Sprintf("%v", tok)}
		}
		return nil
	}
	if err := expect('{', "graph"); err != nil {
		return nil, err
	}
	var nodes []jsonNode
	var nodeLines, linkLines []int
	var links []jsonLink
	seenNodes, seenLinks := false, false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bad(err)
		}
		key, _ := tok.(string)
		switch key {
		case "nodes", "links":
			if err := expect('[', key); err != nil {
				return nil, err
			}
			for dec.More() {
				line := lineAt(b, dec.InputOffset())
				idx := len(links)
				if key == "nodes" {
					idx = len(nodes)
				}
				var err error
				if key == "nodes" {
					var n jsonNode
					err = dec.Decode(&n)
					nodes, nodeLines = append(nodes, n), append(nodeLines, line)
				} else {
					var l jsonLink
					err = dec.Decode(&l)
					links, linkLines = append(links, l), append(linkLines, line)
				}
				if err != nil {
					pe := bad(err).(*ParseError)
					pe.Line = line // Decode's offsets count from the entry, not the file
					pe.Field = fmt.Sprintf("%s[%d]", key, idx) + dotted(pe.Field)
					return nil, pe
				}
			}
			if err := expect(']', key); err != nil {
				return nil, err
			}
			seenNodes = seenNodes || key == "nodes"
			seenLinks = seenLinks || key == "links"
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, bad(err)
			}
		}
	}
	if err := expect('}', "graph"); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &ParseError{File: name, Line: lineAt(b, dec.InputOffset()), Field: "JSON", Want: "one object", Got: "more data after it"}
	}
	if !seenNodes || !seenLinks {
		return nil, &ParseError{File: name, Field: "graph", Want: `both "nodes" and "links"`, Got: fmt.Sprintf("nodes %v, links %v", seenNodes, seenLinks)}
	}
	if len(nodes) == 0 {
		return nil, &ParseError{File: name, Field: "nodes", Want: "at least one node", Got: "an empty list"}
	}
	g := NewGraph(directed)
	for i, n := range nodes {
		field := fmt.Sprintf("nodes[%d].name", i)
		if n.Name == nil || *n.Name == "" {
			return nil, &ParseError{File: name, Line: nodeLines[i], Field: field, Want: "a non-empty name", Got: "none"}
		}
		if _, dup := g.Lookup(*n.Name); dup {
			return nil, &ParseError{File: name, Line: nodeLines[i], Field: field, Want: "a name not used before", Got: strconv.Quote(*n.Name)}
		}
		g.AddNode(*n.Name, n.Group)
	}
	for i, l := range links {
		pe := func(field, want, got string) error {
			return &ParseError{File: name, Line: linkLines[i], Field: fmt.Sprintf("links[%d].%s", i, field), Want: want, Got: got}
		}
		u, err := g.jsonEnd(l.Source)
		if err != nil {
			return nil, pe("source", err.Error(), string(l.Source))
		}
		v, err := g.jsonEnd(l.Target)
		if err != nil {
			return nil, pe("target", err.Error(), string(l.Target))
		}
		w := 1.0
		if l.Value != nil {
			w = *l.Value
		}
		if !(w > 0) || math.IsInf(w, 0) {
			return nil, pe("value", "a finite weight > 0", strconv.FormatFloat(w, 'g', -1, 64))
		}
		if u == v {
			return nil, pe("target", "a node other than the source", "a self-loop on "+strconv.Quote(g.Names[u]))
		}
		if err := g.AddEdge(u, v, w); err != nil {
			return nil, pe("source", "a valid edge", err.Error())
		}
	}
	return g, nil
}

// jsonEnd resolves a link end: a node index or a node name.
func (g *Graph) jsonEnd(raw json.RawMessage) (int, error) {
	want := fmt.Errorf("a node index in [0, %d) or a node name", g.N())
	if len(raw) == 0 {
		return 0, want
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if id, ok := g.Lookup(s); ok {
			return id, nil
		}
		return 0, want
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || f != math.Trunc(f) || f < 0 || f >= float64(g.N()) {
		return 0, want
	}
	return int(f), nil
}

// dotted prefixes a non-empty field with a dot.
func dotted(field string) string {
	if field == "" {
		return ""
	}
	return "." + field
}

// lineAt is the 1-based line of the first byte at or after off that is not
// white space or a comma, i.e. where the next JSON value starts.
func lineAt(b []byte, off int64) int {
	i := int(min(max(off, 0), int64(len(b))))
	for i < len(b) && strings.IndexByte(" \t\r\n,:", b[i]) >= 0 {
		i++
	}
	if i > 0 && i == len(b) {
		i--
	}
	return 1 + bytes.Count(b[:i], []byte{'\n'})
}
