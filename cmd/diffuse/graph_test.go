package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/graph"
)

// graphData writes a small JSON data set of 10 graphs (two triangles
// joined by an edge, and paths) and returns its path.
func graphData(t *testing.T, dir string) string {
	t.Helper()
	var gs []*graph.Graph
	for i := range 10 {
		g, _ := graph.New(4 + i%3)
		for j := 1; j < g.N(); j++ {
			_ = g.SetEdge(j-1, j, 1)
		}
		if i%2 == 0 {
			_ = g.SetEdge(0, 2, 1)
		}
		gs = append(gs, g)
	}
	path := filepath.Join(dir, "graphs.json")
	if err := graph.WriteJSONFile(path, gs); err != nil {
		t.Fatal(err)
	}
	return path
}

// A tiny run end to end: train 6 steps with checkpoints every 3, resume a
// copy of the step-3 checkpoint to step 6 and get the same weights, EMA
// and optimiser state bit for bit; sample (JSON + PNG, the same bytes
// twice); eval prints the three rows. Time budget: a few seconds.
func TestGraphTrainResumeSampleEval(t *testing.T) {
	dir := t.TempDir()
	data := graphData(t, dir)
	runA, runB := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	common := []string{"graph", "train", "--data", data, "--steps", "6", "--warmup", "2", "--batch", "4",
		"--layers", "1", "--dx", "8", "--de", "4", "--checkpoint-every", "3", "--keep", "0", "--log-every", "3"}
	status, stdout, stderr := runCLI(append(common, "--out", runA)...)
	if status != 0 {
		t.Fatalf("train: status %d, stderr %q", status, stderr)
	}
	if !strings.Contains(stdout, "8 training graphs, 2 test") {
		t.Errorf("train output %q, want the split sizes", stdout)
	}
	for _, f := range []string{"ckpt-000003.safetensors", "ckpt-000006.safetensors", "loss.png", "config.json"} {
		if !fileExists(filepath.Join(runA, f)) {
			t.Errorf("train wrote no %s", f)
		}
	}
	if err := os.MkdirAll(runB, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(runA, "ckpt-000003.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(runB, "ckpt-000003.safetensors"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr = runCLI(append(common, "--out", runB, "--resume", runB)...)
	if status != 0 || !strings.Contains(stdout, "at step 3") {
		t.Fatalf("resume: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	fa, err := checkpoint.ReadFile(filepath.Join(runA, "ckpt-000006.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	fb, err := checkpoint.ReadFile(filepath.Join(runB, "ckpt-000006.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fa.Tensors) != len(fb.Tensors) {
		t.Fatalf("%d tensors uninterrupted, %d resumed", len(fa.Tensors), len(fb.Tensors))
	}
	for name, ta := range fa.Tensors {
		tb := fb.Tensors[name]
		if tb == nil || !slices.Equal(ta.Data, tb.Data) {
			t.Fatalf("tensor %s differs between the uninterrupted and the resumed run", name)
		}
	}
	// Resuming with other data is refused.
	status, _, stderr = runCLI("graph", "train", "--data", "community-small", "--steps", "6", "--out", runB, "--resume", runB)
	if status != 2 || !strings.Contains(stderr, "resume with the same data") {
		t.Errorf("resume on other data: status %d, stderr %q", status, stderr)
	}

	out, png := filepath.Join(dir, "s.json"), filepath.Join(dir, "s.png")
	args := []string{"graph", "sample", "--model", runA, "--n", "5", "--steps", "8", "--seed", "3", "--out", out, "--png", png}
	if status, _, stderr = runCLI(args...); status != 0 {
		t.Fatalf("sample: status %d, stderr %q", status, stderr)
	}
	gs, err := graph.ReadJSONFile(out)
	if err != nil || len(gs) != 5 {
		t.Fatalf("samples: %d graphs, %v; want 5", len(gs), err)
	}
	for i, g := range gs {
		if g.N() < 4 || g.N() > 6 {
			t.Errorf("sample %d has %d nodes: want a training size (4 to 6)", i, g.N())
		}
	}
	first, _ := os.ReadFile(out)
	firstPNG, _ := os.ReadFile(png)
	if status, _, stderr = runCLI(args...); status != 0 {
		t.Fatalf("sample again: status %d, stderr %q", status, stderr)
	}
	again, _ := os.ReadFile(out)
	againPNG, _ := os.ReadFile(png)
	if string(first) != string(again) || string(firstPNG) != string(againPNG) {
		t.Error("the same seed gave different graphs or pictures")
	}

	status, stdout, stderr = runCLI("graph", "eval", "--model", runA, "--steps", "4", "--out", filepath.Join(dir, "eval.json"))
	if status != 0 {
		t.Fatalf("eval: status %d, stderr %q", status, stderr)
	}
	for _, want := range []string{"against the 2 test graphs", "diffusego", "Erdős–Rényi", "train (floor)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("eval output %q lacks %q", stdout, want)
		}
	}
}

// Bad data is refused with the file and line, and nothing is written.
func TestGraphTrainBadInput(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.json")
	if err := os.WriteFile(missing, []byte("{\"nodes\": [{\"id\": 0}, {\"id\": 1}],\n \"edges\": [{\"source\": 0, \"target\": 7}]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file string
		want []string
	}{
		{missing, []string{"missing.json:2", "target"}},
		{empty, []string{"empty.json"}},
	}
	for _, c := range cases {
		out := filepath.Join(dir, "out-"+filepath.Base(c.file))
		status, _, stderr := runCLI("graph", "train", "--data", c.file, "--out", out, "--steps", "2")
		if status != 1 {
			t.Errorf("%s: status %d, want 1", c.file, status)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr %q lacks %q", c.file, stderr, w)
			}
		}
		if fileExists(out) {
			t.Errorf("%s: the output folder was created", c.file)
		}
	}
	for _, args := range [][]string{
		{"graph", "train", "--out", dir},
		{"graph", "train", "--data", "community-small"},
		{"graph", "sample", "--out", "x.json"},
		{"graph", "sample", "--model", dir, "--n", "2", "--out", "x.json", "--temperature", "0"},
		{"graph", "eval", "--model", dir, "--steps", "0"},
	} {
		if status, _, _ := runCLI(args...); status != 2 {
			t.Errorf("%v: status %d, want 2", args, status)
		}
	}
	status, _, stderr := runCLI("graph", "sample", "--model", filepath.Join(dir, "nowhere"), "--out", filepath.Join(dir, "x.json"))
	if status != 1 || !strings.Contains(stderr, "nowhere") || fileExists(filepath.Join(dir, "x.json")) {
		t.Errorf("missing model: status %d, stderr %q", status, stderr)
	}
}
