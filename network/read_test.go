package network

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadMiserables(t *testing.T) {
	g, err := ReadGraph("testdata/miserables.json", false)
	if err != nil {
		t.Fatal(err)
	}
	if g.N() != 77 || g.Arcs() != 2*254 {
		t.Fatalf("miserables: %d nodes, %d arcs; want 77 and 508", g.N(), g.Arcs())
	}
	v, ok := g.Lookup("Valjean")
	if !ok || v != 11 || g.Degree(v) != 36 || g.Groups[v] != 2 {
		t.Errorf("Valjean: id %d (found %v), degree %d, group %d; want 11, 36, 2", v, ok, g.Degree(v), g.Groups[v])
	}
	// Link {"source": 2, "target": 0, "value": 8}: Mlle.Baptistine–Myriel.
	for _, e := range g.Out[2] {
		if e.To == 0 && e.W != 8 {
			t.Errorf("weight Mlle.Baptistine–Myriel = %v, want 8", e.W)
		}
	}
	d, err := ReadGraph("testdata/miserables.json", true)
	if err != nil {
		t.Fatal(err)
	}
	if d.Arcs() != 254 {
		t.Errorf("directed miserables: %d arcs, want 254", d.Arcs())
	}
}

func TestParseEdgeList(t *testing.T) {
	src := "# a triangle and a pendant\na b\nb c 2.5\nc a # closing\n\nd\nb c 0.5\n"
	g, err := ParseEdgeList("tri.txt", strings.NewReader(src), false)
	if err != nil {
		t.Fatal(err)
	}
	if g.N() != 4 || g.Arcs() != 6 {
		t.Fatalf("%d nodes, %d arcs; want 4 and 6", g.N(), g.Arcs())
	}
	b, _ := g.Lookup("b")
	c, _ := g.Lookup("c")
	for _, e := range g.Out[b] {
		if e.To == c && e.W != 3 {
			t.Errorf("w(b, c) = %v, want 2.5 + 0.5 = 3 (repeated edges add)", e.W)
		}
	}
	for _, e := range g.In[b] {
		if e.To == c && e.W != 3 {
			t.Errorf("In: w(c→b) = %v, want 3", e.W)
		}
	}
	if d, _ := g.Lookup("d"); g.Degree(d) != 0 {
		t.Errorf("isolated node d has degree %d", g.Degree(d))
	}
	dg, err := ParseEdgeList("tri.txt", strings.NewReader(src), true)
	if err != nil {
		t.Fatal(err)
	}
	if dg.Arcs() != 3 || len(dg.In[b]) != 1 {
		t.Errorf("directed: %d arcs, in-degree of b %d; want 3 and 1", dg.Arcs(), len(dg.In[b]))
	}
}

func TestBadGraphs(t *testing.T) {
	cases := []struct {
		name, file, text string
		want             []string // substrings of the error
	}{
		{"empty edge list", "e.txt", "  \n# nothing\n", []string{"e.txt", "an empty file"}},
		{"negative weight", "w.txt", "a b 1\nb c -2\n", []string{"w.txt:2", "weight", "> 0", "-2"}},
		{"zero weight", "w.txt", "a b 0\n", []string{"w.txt:1", "> 0"}},
		{"not a weight", "w.txt", "a b heavy\n", []string{"w.txt:1", `"heavy"`}},
		{"four fields", "f.txt", "a b 1 2\n", []string{"f.txt:1", "4 fields"}},
		{"self-loop", "s.txt", "a b\nc c\n", []string{"s.txt:2", "self-loop"}},
		{"empty JSON", "g.json", "\n", []string{"g.json", "an empty file"}},
		{"malformed JSON", "g.json", "{\"nodes\": [\n{\"name\": \"a\"},\n{\"name\": }\n]}", []string{"g.json:3", "valid JSON"}},
		{"truncated JSON", "g.json", "{\"nodes\": [{\"name\": \"a\"}", []string{"g.json", "the end of the file"}},
		{"missing node", "g.json", "{\"nodes\": [{\"name\": \"a\"}, {\"name\": \"b\"}],\n\"links\": [\n{\"source\": 0, \"target\": 1},\n{\"source\": 1, \"target\": 5}]}",
			[]string{"g.json:4", "links[1].target", "[0, 2)", "5"}},
		{"missing node by name", "g.json", "{\"nodes\": [{\"name\": \"a\"}, {\"name\": \"b\"}], \"links\": [{\"source\": \"a\", \"target\": \"z\"}]}",
			[]string{"g.json:1", "links[0].target", `"z"`}},
		{"negative value", "g.json", "{\"nodes\": [{\"name\": \"a\"}, {\"name\": \"b\"}],\n\"links\": [{\"source\": 0, \"target\": 1, \"value\": -1}]}",
			[]string{"g.json:2", "links[0].value", "> 0", "-1"}},
		{"wrong type", "g.json", "{\"nodes\": [{\"name\": \"a\"},\n{\"name\": 7}], \"links\": []}", []string{"g.json:2", "nodes[1].name", "string"}},
		{"no nodes", "g.json", `{"nodes": [], "links": []}`, []string{"g.json", "at least one node"}},
		{"no links key", "g.json", `{"nodes": [{"name": "a"}]}`, []string{"g.json", `"links"`}},
		{"duplicate name", "g.json", "{\"nodes\": [{\"name\": \"a\"},\n{\"name\": \"a\"}], \"links\": []}", []string{"g.json:2", "nodes[1].name", `"a"`}},
		{"not an object", "g.json", `[1, 2]`, []string{"g.json:1", `"{"`}},
		{"trailing data", "g.json", "{\"nodes\": [{\"name\": \"a\"}], \"links\": []}\n{}", []string{"g.json:2", "more data"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), c.file)
			if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			g, err := ReadGraph(path, false)
			if err == nil {
				t.Fatalf("read %q: got a graph of %d nodes, want an error", c.text, g.N())
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error %T %v, want a *ParseError", err, err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	if _, err := ReadGraph(filepath.Join(t.TempDir(), "absent.txt"), false); err == nil || !strings.Contains(err.Error(), "absent.txt") {
		t.Errorf("missing file: error %v, want one naming the file", err)
	}
}

func TestResolve(t *testing.T) {
	g, err := ReadGraph("testdata/miserables.json", false)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := g.Resolve([]string{"Valjean", "0"})
	if err != nil || len(ids) != 2 || ids[0] != 11 || ids[1] != 0 {
		t.Errorf("Resolve(Valjean, 0) = %v, %v; want [11 0]", ids, err)
	}
	for _, bad := range [][]string{{"Javert2"}, {"77"}, {"Valjean", "11"}} {
		if _, err := g.Resolve(bad); err == nil {
			t.Errorf("Resolve(%q): want an error", bad)
		}
	}
}

// FuzzParseGraph checks that no input makes the readers panic, and that
// what parses is a consistent graph.
func FuzzParseGraph(f *testing.F) {
	b, err := os.ReadFile("testdata/miserables.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, true)
	f.Add([]byte("a b 1\nb c\n# x\nd\n"), false)
	f.Add([]byte(`{"nodes": [{"name": "a"}, {"name": "b"}], "links": [{"source": "a", "target": 1}]}`), true)
	f.Fuzz(func(t *testing.T, b []byte, isJSON bool) {
		var g *Graph
		var err error
		if isJSON {
			g, err = ParseJSON("fuzz.json", b, false)
		} else {
			g, err = ParseEdgeList("fuzz.txt", strings.NewReader(string(b)), false)
		}
		if err != nil {
			return
		}
		in := 0
		for v := range g.In {
			in += len(g.In[v])
		}
		if g.N() == 0 || in != g.Arcs() {
			t.Fatalf("parsed graph: %d nodes, %d arcs out, %d in", g.N(), g.Arcs(), in)
		}
	})
}
