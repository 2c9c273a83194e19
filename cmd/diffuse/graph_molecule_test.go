package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/graph/molecule"
)

// molData writes a small SMILES file of 12 molecules and returns its path.
func molData(t *testing.T, dir string) string {
	t.Helper()
	text := "CCO ethanol\nC1CC1\nCC(=O)N\nc1ccccc1\nC[N+](=O)[O-]\nOCC(O)CO\nCC#N\nC1CCC2CC12\nCS(=O)C\nClCCl\nC1CCOC1\nNCC(=O)O\n"
	path := filepath.Join(dir, "mols.smi")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A tiny molecule run end to end: train a few steps conditioned on rings,
// sample a SMILES file (each line a valid molecule's canonical SMILES or a
// comment saying why it is invalid) and a PNG grid, the same bytes twice;
// eval prints the model, the two baselines and the floor, and the
// conditioning check. Time budget: a few seconds.
func TestGraphMoleculeTrainSampleEval(t *testing.T) {
	dir := t.TempDir()
	data := molData(t, dir)
	run := filepath.Join(dir, "run")
	status, stdout, stderr := runCLI("graph", "train", "--data", data, "--out", run, "--steps", "4", "--warmup", "1", "--batch", "4",
		"--layers", "1", "--dx", "8", "--de", "4", "--log-every", "2")
	if status != 0 {
		t.Fatalf("train: status %d, stderr %q", status, stderr)
	}
	if !strings.Contains(stdout, "10 training graphs, 2 test") {
		t.Errorf("train output %q, want the split sizes", stdout)
	}
	out, png := filepath.Join(dir, "s.smi"), filepath.Join(dir, "s.png")
	args := []string{"graph", "sample", "--model", run, "--n", "6", "--steps", "3", "--seed", "2", "--out", out, "--png", png, "--rings", "1", "--guidance", "1"}
	if status, stdout, stderr = runCLI(args...); status != 0 {
		t.Fatalf("sample: status %d, stderr %q", status, stderr)
	}
	if !strings.Contains(stdout, "wrote 6 molecules") {
		t.Errorf("sample output %q", stdout)
	}
	first, _ := os.ReadFile(out)
	firstPNG, _ := os.ReadFile(png)
	lines := strings.Split(strings.TrimSpace(string(first)), "\n")
	if len(lines) != 6 || len(firstPNG) == 0 {
		t.Fatalf("sample wrote %d lines and a PNG of %d bytes, want 6 lines and a PNG", len(lines), len(firstPNG))
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "# s") {
			if !strings.Contains(l, "invalid: atom") {
				t.Errorf("comment line %q does not say why the molecule is invalid", l)
			}
			continue
		}
		m, err := molecule.Parse(strings.Fields(l)[0])
		if err != nil || m.Valid() != nil {
			t.Errorf("line %q: %v", l, err)
		}
	}
	if status, _, stderr = runCLI(args...); status != 0 {
		t.Fatalf("sample again: status %d, stderr %q", status, stderr)
	}
	again, _ := os.ReadFile(out)
	againPNG, _ := os.ReadFile(png)
	if string(first) != string(again) || string(firstPNG) != string(againPNG) {
		t.Error("the same seed gave different molecules or pictures")
	}
	status, stdout, stderr = runCLI("graph", "eval", "--model", run, "--n", "4", "--steps", "3", "--per-class", "2", "--out", filepath.Join(dir, "eval.json"))
	if status != 0 {
		t.Fatalf("eval: status %d, stderr %q", status, stderr)
	}
	for _, want := range []string{"2 test and 10 training molecules", "diffusego", "marginal", "assembly", "train (floor)", "rings 2+"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("eval output %q lacks %q", stdout, want)
		}
	}
	for _, bad := range [][]string{
		{"graph", "sample", "--model", run, "--out", out, "--rings", "3"},
		{"graph", "sample", "--model", run, "--out", out, "--guidance", "-1"},
		{"graph", "sample", "--model", run, "--out", out, "--rings", "0", "--no-condition"},
		{"graph", "eval", "--model", run, "--per-class", "-1"},
		{"graph", "train", "--data", data, "--out", filepath.Join(dir, "x"), "--condition", "weight"},
	} {
		if status, _, stderr := runCLI(bad...); status != 2 {
			t.Errorf("%v: status %d (stderr %q), want 2", bad, status, stderr)
		}
	}
}

// A bad SMILES file is refused with its name and the line, and nothing is
// written.
func TestGraphMoleculeBadData(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, text string
		want       []string
	}{
		{"ring.smi", "CCO\nC1CC\n", []string{"ring.smi:2", "unclosed ring 1"}},
		{"branch.smi", "CCO\n\nCC(C\n", []string{"branch.smi:3", "unclosed branch"}},
		{"element.smi", "C[Xx]\n", []string{"element.smi:1", "Xx"}},
		{"valence.smi", "C\nC(C)(C)(C)(C)C\n", []string{"valence.smi:2", "valence 5"}},
		{"empty.smi", "", []string{"empty.smi:1", "no SMILES"}},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "out-"+c.name)
		status, _, stderr := runCLI("graph", "train", "--data", path, "--out", out, "--steps", "2")
		if status != 1 {
			t.Errorf("%s: status %d, want 1", c.name, status)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr %q lacks %q", c.name, stderr, w)
			}
		}
		if fileExists(out) {
			t.Errorf("%s: the output folder was created", c.name)
		}
	}
}
