package graph

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadEdgeListFile(t *testing.T) {
	gs, err := ReadEdgeListFile("testdata/two.edges")
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 2 {
		t.Fatalf("got %d graphs, want 2", len(gs))
	}
	tri, path := gs[0], gs[1]
	if tri.N() != 3 || tri.NumEdges() != 3 || tri.EdgeType(2, 1) != 2 || tri.EdgeType(0, 2) != 1 {
		t.Errorf("triangle: %v, type(2,1)=%d", tri, tri.EdgeType(2, 1))
	}
	if path.N() != 5 || path.NumEdges() != 2 || path.Degree(4) != 0 || path.Degree(3) != 0 || path.Degree(1) != 2 {
		t.Errorf("path: %v", path)
	}
}

func TestReadJSONFile(t *testing.T) {
	gs, err := ReadJSONFile("testdata/mol.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 2 {
		t.Fatalf("got %d graphs, want 2", len(gs))
	}
	m := gs[0]
	if m.N() != 3 || m.NodeType(1) != 2 || m.NodeType(2) != 1 || m.EdgeType(0, 1) != 2 || m.EdgeType(2, 0) != 1 || m.Has(1, 2) {
		t.Errorf("molecule parsed wrong: %v", m)
	}
	if m.NodeNames[2] != "O" || m.EdgeNames[1] != "double" {
		t.Errorf("names: %v %v", m.NodeNames, m.EdgeNames)
	}
	nx := gs[1]
	if nx.N() != 3 || !nx.Has(0, 2) || nx.NumEdges() != 1 {
		t.Errorf("networkx graph: %v", nx)
	}
}

// TestParseErrors checks that each kind of bad input is refused with the
// file, the line and the field named.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, format, src string
		line              int
		want              string // a piece of the message
	}{
		{"edges empty", "edges", "", 0, "at least one graph"},
		{"edges only comments", "edges", "# nothing\n\n# here\n", 0, "at least one graph"},
		{"edges self-loop", "edges", "0 1\n2 2\n", 2, "self-loops"},
		{"edges duplicate", "edges", "0 1\n1 2\n# c\n1 0\n", 4, "first on line 1"},
		{"edges bad number", "edges", "0 1\n1 x\n", 2, `field "target"`},
		{"edges negative", "edges", "-1 1\n", 1, `field "source"`},
		{"edges too many fields", "edges", "0 1 1 1\n", 1, "4 fields"},
		{"edges bad type", "edges", "0 1 0\n", 1, `field "type"`},
		{"edges huge id", "edges", "0 99999999\n", 1, "node number"},
		{"json empty", "json", "", 0, "an empty file"},
		{"json empty array", "json", "[]", 0, "at least one graph"},
		{"json malformed", "json", "[\n{\"nodes\": [\n{\"id\": 0},,\n]}]", 3, "valid JSON"},
		{"json truncated", "json", "[\n{\"nodes\": [\n{\"id\": 0}", 3, "ends early"},
		{"json missing node", "json", "{\"nodes\": [{\"id\": 0}, {\"id\": 1}],\n \"edges\": [\n{\"source\": 0, \"target\": 1},\n{\"source\": 1, \"target\": 5}]}", 4, `field "target": want the id of a node listed`},
		{"json self-loop", "json", "{\"nodes\": [{\"id\": 0}],\n\"edges\": [{\"source\": 0, \"target\": 0}]}", 2, "self-loops"},
		{"json duplicate edge", "json", "{\"nodes\": [{\"id\": 0}, {\"id\": 1}],\n\"edges\": [{\"source\": 0, \"target\": 1},\n{\"source\": 1, \"target\": 0}]}", 3, "first on line 2"},
		{"json duplicate id", "json", "{\"nodes\": [{\"id\": 0},\n{\"id\": 0}]}", 2, `field "id"`},
		{"json float id", "json", "{\"nodes\": [{\"id\": 0.5}]}", 1, "an integer or a string"},
		{"json unknown key", "json", "{\"nodes\": [],\n\"weights\": 3}", 2, `field "weights"`},
		{"json unknown node key", "json", "{\"nodes\": [\n{\"id\": 0, \"colour\": 1}]}", 2, "colour"},
		{"json directed", "json", "{\"directed\": true, \"nodes\": []}", 1, "undirected"},
		{"json no nodes", "json", "{\"edges\": []}", 1, `field "nodes"`},
		{"json no nodes after blank lines", "json", "\n\n  {\"edges\": []}", 3, `field "nodes"`},
		{"json a number", "json", "\n7", 2, "a graph object"},
		{"json node type beyond names", "json", "{\"node_types\": [\"C\"],\n\"nodes\": [{\"id\": 0, \"type\": 1}]}", 2, "0 to 0"},
		{"json edge type zero", "json", "{\"nodes\": [{\"id\": 0}, {\"id\": 1}],\n\"edges\": [{\"source\": 0, \"target\": 1, \"type\": 0}]}", 2, "1 to 255"},
		{"json type not a number", "json", "{\"nodes\": [\n{\"id\": 0, \"type\": \"C\"}]}", 2, `field "type"`},
		{"json trailing data", "json", "{\"nodes\": []}\n{\"nodes\": []}", 2, "end of the file"},
		{"json not an object", "json", "[1]", 1, "a graph object"},
		{"json repeated key", "json", "{\"nodes\": [{\"id\": 0}],\n\"nodes\": []}", 2, "each key once"},
		{"json edges and links", "json", "{\"nodes\": [], \"edges\": [],\n\"links\": []}", 2, "each key once"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.format == "edges" {
				_, err = ReadEdgeList(strings.NewReader(c.src), "in.edges")
			} else {
				_, err = ParseJSON([]byte(c.src), "in.json")
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.Line != c.line {
				t.Errorf("line %d, want %d (%v)", pe.Line, c.line, err)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "in.") {
				t.Errorf("error %q does not name the file or contain %q", err, c.want)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	gs := CommunitySmall(10, 3)
	gs[0].SetNodeType(2, 5)
	gs[1].SetEdge(0, 1, 3)
	dir := t.TempDir()
	jp, ep := filepath.Join(dir, "g.json"), filepath.Join(dir, "g.edges")
	if err := WriteJSONFile(jp, gs); err != nil {
		t.Fatal(err)
	}
	if err := WriteEdgeListFile(ep, gs); err != nil {
		t.Fatal(err)
	}
	fromJSON, err := ReadJSONFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	fromEdges, err := ReadEdgeListFile(ep)
	if err != nil {
		t.Fatal(err)
	}
	if len(fromJSON) != len(gs) || len(fromEdges) != len(gs) {
		t.Fatalf("read %d and %d graphs, wrote %d", len(fromJSON), len(fromEdges), len(gs))
	}
	for i, g := range gs {
		if !g.Equal(fromJSON[i]) {
			t.Errorf("graph %d: JSON round trip changed it", i)
		}
		h := g.Clone()
		for v := 0; v < h.N(); v++ {
			h.SetNodeType(v, 0) // edge lists carry no node types
		}
		if !h.Equal(fromEdges[i]) {
			t.Errorf("graph %d: edge-list round trip changed it", i)
		}
	}
}

func TestWriteJSONRefusesUnnamedTypes(t *testing.T) {
	g := fromEdges(t, 2, [2]int{0, 1})
	g.NodeNames = []string{"C"}
	g.SetNodeType(1, 1)
	if err := WriteJSON(&bytes.Buffer{}, []*Graph{g}); err == nil || !strings.Contains(err.Error(), "node 1 has type 1") {
		t.Errorf("got %v, want an error naming node 1", err)
	}
	g.SetNodeType(1, 0)
	g.EdgeNames = []string{}
	if err := WriteJSON(&bytes.Buffer{}, []*Graph{g}); err == nil || !strings.Contains(err.Error(), "edge 0-1") {
		t.Errorf("got %v, want an error naming edge 0-1", err)
	}
}

func FuzzReadEdgeList(f *testing.F) {
	seed, _ := os.ReadFile("testdata/two.edges")
	f.Add(seed)
	f.Add([]byte("0 1\n\n\n3\n1 2 7 # x\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		gs, err := ReadEdgeList(bytes.NewReader(src), "fuzz")
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteEdgeList(&buf, gs); err != nil {
			t.Fatal(err)
		}
		again, err := ReadEdgeList(&buf, "again")
		if err != nil {
			t.Fatalf("written edge list does not read back: %v", err)
		}
		if len(again) != len(gs) {
			t.Fatalf("%d graphs, then %d", len(gs), len(again))
		}
		for i := range gs {
			if !gs[i].Equal(again[i]) {
				t.Fatalf("graph %d changed in a round trip", i)
			}
		}
	})
}

func FuzzReadJSON(f *testing.F) {
	seed, _ := os.ReadFile("testdata/mol.json")
	f.Add(seed)
	f.Add([]byte(`{"nodes": [{"id": 0}, {"id": "x", "type": 3}], "edges": [{"source": 0, "target": "x", "type": 2}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		gs, err := ParseJSON(src, "fuzz")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := WriteJSON(&buf, gs); err != nil {
			t.Fatal(err)
		}
		again, err := ParseJSON(buf.Bytes(), "again")
		if err != nil {
			t.Fatalf("written JSON does not read back: %v\n%s", err, buf.Bytes())
		}
		for i := range gs {
			if !gs[i].Equal(again[i]) {
				t.Fatalf("graph %d changed in a round trip", i)
			}
		}
	})
}
