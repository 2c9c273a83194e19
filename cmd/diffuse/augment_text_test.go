package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTextClasses writes one corpus file per class (one text per line).
func writeTextClasses(t *testing.T, dir string, classes map[string][]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, texts := range classes {
		if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(strings.Join(texts, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Two runs of diffuse augment text with the same settings write the same
// bytes; the folder holds every class's real texts then its synthetic ones,
// labels.jsonl and a manifest with the model's hash; the saved model is
// reused with --checkpoint, and the bad inputs of the command are clear
// errors that write nothing. (A few seconds: three 2-step trainings.)
func TestAugmentText(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	writeTextClasses(t, data, map[string][]string{"cats": {"the cat sat", "a cat ran", "cats purr"}, "dogs": {"dogs bark", "the dog ran"}})
	args := func(out string, extra ...string) []string {
		return append([]string{"augment", "text", "--data", data, "--context", "24", "--batch", "2", "--train-steps", "2", "--steps", "3",
			"--per-class", "2", "--out", out}, extra...)
	}
	model := filepath.Join(dir, "model.safetensors")
	for i, out := range []string{"a", "b"} {
		extra := []string{}
		if i == 0 {
			extra = []string{"--save-model", model}
		}
		if status, _, stderr := runCLI(args(filepath.Join(dir, out), extra...)...); status != 0 {
			t.Fatalf("run %s: status %d, stderr %q", out, status, stderr)
		}
	}
	for _, f := range []string{"cats.json", "dogs.json", "labels.jsonl", "manifest.json"} {
		if a, b := readFile(t, filepath.Join(dir, "a", f)), readFile(t, filepath.Join(dir, "b", f)); a != b {
			t.Errorf("%s differs between runs with the same settings", f)
		}
	}
	var cats []string
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "a", "cats.json"))), &cats); err != nil {
		t.Fatal(err)
	}
	if len(cats) != 5 || cats[0] != "the cat sat" || cats[2] != "cats purr" {
		t.Errorf("cats.json %q: want the 3 real texts then 2 synthetic", cats)
	}
	var man struct {
		Kind        string `json:"kind"`
		ModelSHA256 string `json:"model_sha256"`
		RealTotal   int    `json:"real_total"`
		SynTotal    int    `json:"synthetic_total"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "a", "manifest.json"))), &man); err != nil {
		t.Fatal(err)
	}
	if man.Kind != "text" || len(man.ModelSHA256) != 64 || man.RealTotal != 5 || man.SynTotal != 4 {
		t.Errorf("manifest %+v: want kind text, a SHA-256, 5 real and 4 synthetic", man)
	}
	if n := strings.Count(readFile(t, filepath.Join(dir, "a", "labels.jsonl")), "\n"); n != 9 {
		t.Errorf("labels.jsonl has %d lines, want 9", n)
	}
	reuse := filepath.Join(dir, "reuse")
	if status, _, stderr := runCLI("augment", "text", "--data", data, "--checkpoint", model, "--steps", "3", "--per-class", "2", "--out", reuse); status != 0 {
		t.Fatalf("--checkpoint: status %d, stderr %q", status, stderr)
	}
	if a, b := readFile(t, filepath.Join(dir, "a", "cats.json")), readFile(t, filepath.Join(reuse, "cats.json")); a != b {
		t.Error("the saved model, reused, writes other texts than the run that trained it")
	}

	one := filepath.Join(dir, "one")
	writeTextClasses(t, one, map[string][]string{"cats": {"a cat"}})
	three := filepath.Join(dir, "three")
	writeTextClasses(t, three, map[string][]string{"cats": {"a cat"}, "dogs": {"a dog"}, "owls": {"an owl"}})
	file := filepath.Join(one, "cats.txt")
	out := filepath.Join(dir, "refused")
	cases := []struct {
		name   string
		args   []string
		status int
		want   string
	}{
		{"one class", []string{"augment", "text", "--data", one, "--per-class", "1", "--out", out}, 1, "1 class file: want at least two classes"},
		{"a file, not a folder", []string{"augment", "text", "--data", file, "--per-class", "1", "--out", out}, 1, "want a folder with one corpus file per class"},
		{"more classes than the model knows", []string{"augment", "text", "--data", three, "--checkpoint", model, "--per-class", "1", "--out", out},
			1, `has 3 classes ["cats" "dogs" "owls"] but the model knows 2`},
		{"ratio above 1", []string{"augment", "text", "--data", data, "--ratio", "1.5", "--out", out}, 2, "mixing ratio 1.5: want the synthetic share"},
		{"ratio below 0", []string{"augment", "text", "--data", data, "--ratio", "-0.1", "--out", out}, 2, "mixing ratio -0.1"},
		{"not a model with classes", []string{"augment", "text", "--data", data, "--checkpoint", file, "--per-class", "1", "--out", out}, 1, file},
		{"save and reuse", []string{"augment", "text", "--data", data, "--checkpoint", model, "--save-model", model + "2", "--per-class", "1", "--out", out}, 2, "--save-model"},
		{"output not empty", []string{"augment", "text", "--data", data, "--per-class", "1", "--out", reuse}, 1, "not empty"},
	}
	for _, tc := range cases {
		status, _, stderr := runCLI(tc.args...)
		if status != tc.status || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: status %d, stderr %q; want %d and %q", tc.name, status, stderr, tc.status, tc.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a refused run wrote %s", out)
	}
}
