package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// The JSON format: one graph is an object
//
//	{
//	  "node_types": ["C", "N", "O"],
//	  "edge_types": ["single", "double"],
//	  "nodes": [{"id": 0, "type": 2}, {"id": 1, "type": 0}, {"id": 2}],
//	  "edges": [{"source": 0, "target": 1, "type": 2}, {"source": 1, "target": 2}]
//	}
//
// and a file holds one such object or an array of them. "node_types"
// (optional) names node types: entry t names type t. "edge_types" (optional)
// names edge types: entry k−1 names type k, since type 0 means "no edge".
// A node's "id" is an integer or a string, unique within the graph; nodes
// are numbered 0, 1, … in the order they are listed, and edges refer to
// them by id. A node's "type" defaults to 0, an edge's to 1; when names are
// given, types must have one. "links" is accepted for "edges", and
// "directed": false, "multigraph": false and "graph": {…} are accepted and
// ignored, so the node-link JSON that networkx writes (node_link_data) reads
// as it is. Any other key is refused, as are self-loops, an edge to a node
// that is not listed, a repeated edge (in either direction), a repeated id,
// and a file with no graph. Errors name the file and the line.

// ReadJSONFile reads the graphs of the JSON file at path.
func ReadJSONFile(path string) ([]*Graph, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("graph: %w", err)
	}
	return ParseJSON(b, path)
}

// ReadJSON reads graphs in the JSON format from r; name is used in errors.
func ReadJSON(r io.Reader, name string) ([]*Graph, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("graph: %s: %w", name, err)
	}
	return ParseJSON(b, name)
}

// ParseJSON parses graphs in the JSON format from src; name is used in errors.
func ParseJSON(src []byte, name string) ([]*Graph, error) {
	p := &jsonParser{name: name, src: src, dec: json.NewDecoder(bytes.NewReader(src))}
	p.dec.DisallowUnknownFields()
	first := p.lineAt(p.next())
	tok, err := p.dec.Token()
	if err == io.EOF {
		return nil, &ParseError{File: name, Want: "a graph object or an array of them", Got: "an empty file"}
	}
	if err != nil {
		return nil, p.jsonErr(err)
	}
	var graphs []*Graph
	switch tok {
	case json.Delim('['):
		for p.dec.More() {
			line := p.lineAt(p.next())
			tok, err := p.dec.Token()
			if err != nil {
				return nil, p.jsonErr(err)
			}
			if tok != json.Delim('{') {
				return nil, &ParseError{File: name, Line: line, Want: "a graph object", Got: describe(tok)}
			}
			g, err := p.graph(line)
			if err != nil {
				return nil, err
			}
			graphs = append(graphs, g)
		}
		if _, err := p.dec.Token(); err != nil { // the closing ']'
			return nil, p.jsonErr(err)
		}
	case json.Delim('{'):
		g, err := p.graph(first)
		if err != nil {
			return nil, err
		}
		graphs = append(graphs, g)
	default:
		return nil, &ParseError{File: name, Line: first, Want: "a graph object or an array of them", Got: describe(tok)}
	}
	if tok, err := p.dec.Token(); err != io.EOF {
		if err != nil {
			return nil, p.jsonErr(err)
		}
		return nil, &ParseError{File: name, Line: p.lineAt(p.dec.InputOffset()), Want: "the end of the file", Got: describe(tok)}
	}
	if len(graphs) == 0 {
		return nil, &ParseError{File: name, Want: "at least one graph", Got: "an empty array"}
	}
	return graphs, nil
}

type jsonParser struct {
	name string
	src  []byte
	dec  *json.Decoder
}

type jsonNode struct {
	ID   json.RawMessage `json:"id"`
	Type *int            `json:"type"`
}

type jsonEdge struct {
	Source json.RawMessage `json:"source"`
	Target json.RawMessage `json:"target"`
	Type   *int            `json:"type"`
}

// graph parses one graph object whose '{' has been read and which began on
// line start.
func (p *jsonParser) graph(start int) (*Graph, error) {
	var (
		nodeNames, edgeNames []string
		nodes                []jsonNode
		nodeLines, edgeLines []int
		edges                []jsonEdge
		sawNodes             bool
		seen                 = map[string]bool{}
	)
	for p.dec.More() {
		keyLine := p.lineAt(p.next())
		tok, err := p.dec.Token()
		if err != nil {
			return nil, p.jsonErr(err)
		}
		key, _ := tok.(string)
		canon := key
		if canon == "links" {
			canon = "edges"
		}
		if seen[canon] {
			return nil, &ParseError{File: p.name, Line: keyLine, Field: key, Want: "each key once in a graph", Got: "it again"}
		}
		seen[canon] = true
		switch key {
		case "node_types":
			if err := p.dec.Decode(&nodeNames); err != nil {
				return nil, p.jsonErr(err)
			}
		case "edge_types":
			if err := p.dec.Decode(&edgeNames); err != nil {
				return nil, p.jsonErr(err)
			}
		case "nodes":
			sawNodes = true
			err := p.array(key, func(line int) error {
				var n jsonNode
				if err := p.dec.Decode(&n); err != nil {
					return err
				}
				nodes, nodeLines = append(nodes, n), append(nodeLines, line)
				return nil
			})
			if err != nil {
				return nil, err
			}
		case "edges", "links":
			err := p.array(key, func(line int) error {
				var e jsonEdge
				if err := p.dec.Decode(&e); err != nil {
					return err
				}
				edges, edgeLines = append(edges, e), append(edgeLines, line)
				return nil
			})
			if err != nil {
				return nil, err
			}
		case "directed", "multigraph":
			var b bool
			if err := p.dec.Decode(&b); err != nil {
				return nil, p.jsonErr(err)
			}
			if b {
				return nil, &ParseError{File: p.name, Line: keyLine, Field: key, Want: "false (graphs are simple and undirected)", Got: "true"}
			}
		case "graph":
			var skip json.RawMessage
			if err := p.dec.Decode(&skip); err != nil {
				return nil, p.jsonErr(err)
			}
		default:
			return nil, &ParseError{File: p.name, Line: keyLine, Field: key, Want: `one of "node_types", "edge_types", "nodes", "edges"`, Got: "an unknown key"}
		}
	}
	if _, err := p.dec.Token(); err != nil { // the closing '}'
		return nil, p.jsonErr(err)
	}
	if !sawNodes {
		return nil, &ParseError{File: p.name, Line: start, Field: "nodes", Want: "a list of nodes", Got: "no \"nodes\" key"}
	}
	if len(nodes) > MaxNodes {
		return nil, &ParseError{File: p.name, Line: start, Field: "nodes", Want: fmt.Sprintf("at most %d nodes", MaxNodes), Got: strconv.Itoa(len(nodes))}
	}
	g := mustNew(len(nodes))
	g.NodeNames, g.EdgeNames = nodeNames, edgeNames
	index := make(map[string]int, len(nodes))
	for i, n := range nodes {
		line := nodeLines[i]
		key, ok := idKey(n.ID)
		if !ok {
			return nil, &ParseError{File: p.name, Line: line, Field: "id", Want: "an integer or a string", Got: gotRaw(n.ID)}
		}
		if j, dup := index[key]; dup {
			return nil, &ParseError{File: p.name, Line: line, Field: "id", Want: "an id not used before", Got: fmt.Sprintf("%s again (first on line %d)", n.ID, nodeLines[j])}
		}
		index[key] = i
		t := 0
		if n.Type != nil {
			t = *n.Type
		}
		limit := MaxType
		if nodeNames != nil {
			limit = len(nodeNames) - 1
		}
		if t < 0 || t > limit {
			return nil, &ParseError{File: p.name, Line: line, Field: "type", Want: fmt.Sprintf("a node type 0 to %d", limit), Got: strconv.Itoa(t)}
		}
		g.nodes[i] = uint8(t)
	}
	firstLine := map[[2]int]int{}
	for k, e := range edges {
		line := edgeLines[k]
		var ends [2]int
		for s, raw := range [2]json.RawMessage{e.Source, e.Target} {
			field := [2]string{"source", "target"}[s]
			key, ok := idKey(raw)
			if !ok {
				return nil, &ParseError{File: p.name, Line: line, Field: field, Want: "a node id (an integer or a string)", Got: gotRaw(raw)}
			}
			i, found := index[key]
			if !found {
				return nil, &ParseError{File: p.name, Line: line, Field: field, Want: `the id of a node listed in "nodes"`, Got: string(raw)}
			}
			ends[s] = i
		}
		a, b := ends[0], ends[1]
		if a == b {
			return nil, &ParseError{File: p.name, Line: line, Field: "target", Want: "a node other than the source (self-loops are not allowed)", Got: string(e.Target)}
		}
		t := 1
		if e.Type != nil {
			t = *e.Type
		}
		limit := MaxType
		if edgeNames != nil {
			limit = len(edgeNames)
		}
		if t < 1 || t > limit {
			return nil, &ParseError{File: p.name, Line: line, Field: "type", Want: fmt.Sprintf("an edge type 1 to %d", limit), Got: strconv.Itoa(t)}
		}
		pair := [2]int{min(a, b), max(a, b)}
		if first, dup := firstLine[pair]; dup {
			return nil, &ParseError{File: p.name, Line: line, Field: "edges", Want: "each edge once", Got: fmt.Sprintf("%s-%s again (first on line %d)", e.Source, e.Target, first)}
		}
		firstLine[pair] = line
		g.adj[a*g.n+b], g.adj[b*g.n+a] = uint8(t), uint8(t)
	}
	return g, nil
}

// array reads a JSON array for key, calling elem for each element with the
// line the element starts on.
func (p *jsonParser) array(key string, elem func(line int) error) error {
	line := p.lineAt(p.next())
	tok, err := p.dec.Token()
	if err != nil {
		return p.jsonErr(err)
	}
	if tok != json.Delim('[') {
		return &ParseError{File: p.name, Line: line, Field: key, Want: "an array", Got: describe(tok)}
	}
	for p.dec.More() {
		line := p.lineAt(p.next())
		if err := elem(line); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return &ParseError{File: p.name, Line: line, Field: te.Field, Want: kindName(te.Type.String()), Got: "a JSON " + te.Value}
			}
			if msg := err.Error(); strings.Contains(msg, "unknown field") {
				return &ParseError{File: p.name, Line: line, Field: key, Want: "only the keys this format defines", Got: strings.TrimPrefix(msg, "json: ")}
			}
			return p.jsonErr(err)
		}
	}
	_, err = p.dec.Token() // the closing ']'
	if err != nil {
		return p.jsonErr(err)
	}
	return nil
}

// next returns the offset of the next value: after the decoder's position,
// past white space, commas and colons.
func (p *jsonParser) next() int64 {
	off := p.dec.InputOffset()
	for off < int64(len(p.src)) {
		switch p.src[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

// lineAt returns the 1-based line of byte offset off.
func (p *jsonParser) lineAt(off int64) int {
	off = min(max(off, 0), int64(len(p.src)))
	return 1 + bytes.Count(p.src[:off], []byte{'\n'})
}

// jsonErr turns an encoding/json error into a ParseError with a line.
func (p *jsonParser) jsonErr(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &ParseError{File: p.name, Line: p.lineAt(se.Offset), Want: "valid JSON", Got: se.Error()}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &ParseError{File: p.name, Line: p.lineAt(te.Offset), Field: te.Field, Want: kindName(te.Type.String()), Got: "a JSON " + te.Value}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return &ParseError{File: p.name, Line: p.lineAt(int64(len(p.src))), Want: "valid JSON", Got: "the file ends early"}
	}
	return &ParseError{File: p.name, Line: p.lineAt(p.dec.InputOffset()), Want: "valid JSON", Got: err.Error()}
}

// idKey turns a node id (a JSON integer or string) into a map key.
func idKey(raw json.RawMessage) (string, bool) {
	s := strings.TrimSpace(string(raw))
	if strings.HasPrefix(s, `"`) {
		var str string
		if json.Unmarshal(raw, &str) != nil {
			return "", false
		}
		return "s" + str, true
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return "", false
	}
	return "i" + strconv.FormatInt(v, 10), true
}

func gotRaw(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	return string(raw)
}

func describe(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		return strconv.Quote(v.String())
	case string:
		return "the string " + strconv.Quote(v)
	case nil:
		return "null"
	default:
		return fmt.Sprint(v)
	}
}

// kindName names a Go type the way an error should: "an integer" for int.
func kindName(t string) string {
	switch t {
	case "int":
		return "an integer"
	case "bool":
		return "true or false"
	case "string":
		return "a string"
	case "[]string":
		return "an array of strings"
	}
	return "a " + t
}
