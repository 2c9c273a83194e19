package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTabularTrainSample runs train and sample on penguins with a tiny model
// and checks the CSV has the input's columns and reads back.
func TestTabularTrainSample(t *testing.T) {
	dir := t.TempDir()
	model, out := filepath.Join(dir, "m"), filepath.Join(dir, "syn.csv")
	data, cfg := "../../tabular/testdata/penguins.json", "../../tabular/testdata/penguins.config.json"
	status, stdout, stderr := runCLI("tabular", "train", "--data", data, "--config", cfg, "--iters", "5",
		"--width", "16", "--layers", "1", "--steps", "10", "--out", model)
	if status != 0 {
		t.Fatalf("train: status %d, stderr %q", status, stderr)
	}
	if !strings.Contains(stdout, "trained on 344 rows, 7 columns") {
		t.Errorf("train output %q, want the row and column counts", stdout)
	}
	status, _, stderr = runCLI("tabular", "sample", "--model", model, "--n", "25", "--out", out, "--balanced")
	if status != 0 {
		t.Fatalf("sample: status %d, stderr %q", status, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if want := "Species,Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Body Mass (g),Sex"; lines[0] != want {
		t.Errorf("header %q, want %q", lines[0], want)
	}
	if len(lines) != 26 {
		t.Errorf("%d lines, want a header and 25 rows", len(lines))
	}
	status, _, stderr = runCLI("tabular", "sample", "--model", model, "--n", "2", "--out", out, "--class", "Emperor")
	if status != 1 || !strings.Contains(stderr, `class "Emperor" was not seen`) {
		t.Errorf("unseen class: status %d, stderr %q; want 1 and the class named", status, stderr)
	}
	status, _, _ = runCLI("tabular", "train", "--data", data, "--scaling", "log")
	if status != 2 {
		t.Errorf("bad --scaling: status %d, want 2", status)
	}
}
