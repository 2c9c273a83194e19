package graph

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// The edge-list format: one edge per line as "a b" or "a b type", where a
// and b are node numbers (0…MaxNodes−1) and type is an edge type (1…MaxType,
// default 1). A line holding a single number declares a node, which is how
// an isolated node is written. A graph has max-node-number + 1 nodes, all of
// type 0 (use JSON for node types); numbers that never appear are isolated
// nodes. Fields are separated by spaces or tabs. "#" starts a comment that
// runs to the end of the line. One or more blank lines end a graph, so a
// file can hold many graphs. Self-loops and repeated edges (in either
// direction) are refused, as is a file that holds no graph.

// ReadEdgeListFile reads the graphs of the edge-list file at path.
func ReadEdgeListFile(path string) ([]*Graph, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("graph: %w", err)
	}
	defer f.Close()
	return ReadEdgeList(f, path)
}

// ReadEdgeList reads graphs in the edge-list format from r; name is used in
// errors (usually the file's path).
func ReadEdgeList(r io.Reader, name string) ([]*Graph, error) {
	type pending struct {
		a, b, t, line int
	}
	var (
		graphs []*Graph
		edges  []pending
		maxID  = -1
		seen   = map[[2]int]int{} // edge -> line
	)
	flush := func() {
		if maxID < 0 {
			return
		}
		g := mustNew(maxID + 1)
		for _, e := range edges {
			g.adj[e.a*g.n+e.b] = uint8(e.t)
			g.adj[e.b*g.n+e.a] = uint8(e.t)
		}
		graphs = append(graphs, g)
		edges, maxID = edges[:0], -1
		clear(seen)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Bytes()
		if i := bytes.IndexByte(text, '#'); i >= 0 {
			if len(bytes.TrimSpace(text[:i])) == 0 {
				continue // a comment line does not end a graph
			}
			text = text[:i]
		}
		fields := strings.Fields(string(text))
		if len(fields) == 0 {
			flush()
			continue
		}
		if len(fields) > 3 {
			return nil, &ParseError{File: name, Line: line, Want: `"a", "a b" or "a b type"`, Got: fmt.Sprintf("%d fields", len(fields))}
		}
		var ids [2]int
		for k, f := range fields[:min(2, len(fields))] {
			field := [2]string{"source", "target"}[k]
			v, err := strconv.Atoi(f)
			if err != nil || v < 0 || v >= MaxNodes {
				return nil, &ParseError{File: name, Line: line, Field: field, Want: fmt.Sprintf("a node number 0 to %d", MaxNodes-1), Got: strconv.Quote(f)}
			}
			ids[k] = v
			maxID = max(maxID, v)
		}
		if len(fields) == 1 {
			continue
		}
		a, b := ids[0], ids[1]
		if a == b {
			return nil, &ParseError{File: name, Line: line, Field: "target", Want: "a node other than the source (self-loops are not allowed)", Got: strconv.Itoa(b)}
		}
		t := 1
		if len(fields) == 3 {
			v, err := strconv.Atoi(fields[2])
			if err != nil || v < 1 || v > MaxType {
				return nil, &ParseError{File: name, Line: line, Field: "type", Want: fmt.Sprintf("an edge type 1 to %d", MaxType), Got: strconv.Quote(fields[2])}
			}
			t = v
		}
		key := [2]int{min(a, b), max(a, b)}
		if first, dup := seen[key]; dup {
			return nil, &ParseError{File: name, Line: line, Field: "edge", Want: "each edge once", Got: fmt.Sprintf("%d-%d again (first on line %d)", a, b, first)}
		}
		seen[key] = line
		edges = append(edges, pending{a, b, t, line})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("graph: %s:%d: %w", name, line+1, err)
	}
	flush()
	if len(graphs) == 0 {
		return nil, &ParseError{File: name, Want: "at least one graph", Got: "none (the file is empty or holds only comments)"}
	}
	return graphs, nil
}

// WriteEdgeList writes graphs in the edge-list format, separated by blank
// lines. Node types and names are not written (use JSON to keep them). An
// isolated highest-numbered node is declared on a line of its own so that
// the node count survives a round trip.
func WriteEdgeList(w io.Writer, graphs []*Graph) error {
	bw := bufio.NewWriter(w)
	for k, g := range graphs {
		if k > 0 {
			bw.WriteString("\n")
		}
		if g.n == 0 {
			return fmt.Errorf("graph: graph %d has no nodes; the edge-list format cannot write it", k)
		}
		top := g.n - 1
		if g.Degree(top) == 0 {
			fmt.Fprintf(bw, "%d\n", top)
		}
		for _, e := range g.Edges() {
			if e.Type == 1 {
				fmt.Fprintf(bw, "%d %d\n", e.Source, e.Target)
			} else {
				fmt.Fprintf(bw, "%d %d %d\n", e.Source, e.Target, e.Type)
			}
		}
	}
	return bw.Flush()
}
