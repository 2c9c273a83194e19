package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tabular anomaly scores rows against a threshold from validation rows,
// writes one CSV row per input row with the standardised contribution of
// every column, and gives the same file for the same seed. Bad inputs
// (columns that differ from the model's, an unseen category, an empty
// table, a bad quantile) are refused before anything is written. Budget:
// a 5-iteration model of width 16, well under a second of scoring.
func TestTabularAnomaly(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m")
	data, cfg := "../../tabular/testdata/penguins.json", "../../tabular/testdata/penguins.config.json"
	if status, _, stderr := runCLI("tabular", "train", "--data", data, "--config", cfg, "--iters", "5",
		"--width", "16", "--layers", "1", "--steps", "40", "--out", model); status != 0 {
		t.Fatalf("train: status %d, stderr %q", status, stderr)
	}
	head := "Species,Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Body Mass (g),Sex\n"
	rows := filepath.Join(dir, "rows.csv")
	os.WriteFile(rows, []byte(head+"Adelie,Torgersen,39.1,18.7,181,3750,MALE\nGentoo,Biscoe,46.1,13.2,211,4500,FEMALE\nAdelie,Biscoe,59.0,13.0,230,2900,MALE\n"), 0o644)
	out := filepath.Join(dir, "scores.csv")
	args := []string{"tabular", "anomaly", "--model", model, "--data", rows, "--val", data, "--na", ".", "--draws", "2", "--out", out}
	status, stdout, stderr := runCLI(args...)
	if status != 0 {
		t.Fatalf("anomaly: status %d, stderr %q", status, stderr)
	}
	for _, want := range []string{"validation rows", "flagged", "ms per row", "wrote"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	got := readCSV(t, out)
	if len(got) != 4 || strings.Join(got[0], ",") != "index,score,anomalous,top,"+strings.TrimSpace(head) {
		t.Fatalf("csv %q", got)
	}
	if got[1][5] != "0.000" && got[1][4] == "" {
		t.Errorf("row 0 %q: want a contribution per column", got[1])
	}
	if got[1][4] != "0.000" {
		t.Errorf("the target Species contributes %s, want 0.000 (it is never masked)", got[1][4])
	}
	first, _ := os.ReadFile(out)
	runCLI(args...)
	if again, _ := os.ReadFile(out); string(again) != string(first) {
		t.Error("the same seed gave a different CSV")
	}
	os.Remove(out)

	noMass := filepath.Join(dir, "nomass.csv")
	os.WriteFile(noMass, []byte("Species,Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Sex\nAdelie,Torgersen,39.1,18.7,181,MALE\n"), 0o644)
	unseen := filepath.Join(dir, "unseen.csv")
	os.WriteFile(unseen, []byte(head+"Emperor,Torgersen,39.1,18.7,181,3750,MALE\n"), 0o644)
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, []byte(head), 0o644)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"columns differ", []string{"--data", noMass, "--val", data}, `"Body Mass (g)" missing`},
		{"val columns differ", []string{"--data", rows, "--val", noMass}, `"Body Mass (g)" missing`},
		{"unseen category", []string{"--data", unseen, "--val", data}, "Emperor"},
		{"empty table", []string{"--data", empty, "--val", data}, "empty.csv"},
		{"no val", []string{"--data", rows}, "--val"},
		{"quantile", []string{"--data", rows, "--val", data, "--quantile", "0"}, "--quantile"},
		{"no model", []string{"--data", rows, "--val", data, "--model", filepath.Join(dir, "absent")}, "absent"},
	} {
		a := append([]string{"tabular", "anomaly", "--model", model, "--na", ".", "--out", out}, c.args...)
		status, _, stderr := runCLI(a...)
		if status == 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: status %d, stderr %q: want an error containing %q", c.name, status, stderr, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%s: a refused run wrote %s", c.name, out)
		}
	}
}
