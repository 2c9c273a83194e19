package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/models/shipped"
)

// namesCorpus is the first-name list the text package's tests use.
const namesCorpus = "../../text/testdata/female-first-names-en.json"

// trainNames trains a tiny MDLM (or autoregressive) model on first names
// for 6 steps into dir, with extra arguments, and fails the test on error.
func trainNames(t *testing.T, dir string, extra ...string) {
	t.Helper()
	args := append([]string{"text", "train", "--data", namesCorpus, "--context", "16", "--preset", "tiny",
		"--batch", "8", "--steps", "6", "--warmup", "2", "--checkpoint-every", "3", "--keep", "0",
		"--val-every", "3", "--out", dir}, extra...)
	status, out, errOut := runCLI(args...)
	if status != 0 {
		t.Fatalf("text train: status %d\nstdout %s\nstderr %s", status, out, errOut)
	}
}

// TestTextEndToEnd trains a few steps, resumes exactly, samples with a
// prompt and an infill, evaluates, exports and samples the export. About
// 3 s on 2 cores.
func TestTextEndToEnd(t *testing.T) {
	dir := t.TempDir()
	straight := filepath.Join(dir, "straight")
	trainNames(t, straight)

	// Stop after 3 steps (a checkpoint at 3), then resume to 6: the same bits.
	resumed := filepath.Join(dir, "resumed")
	trainNames(t, resumed)
	if err := os.Remove(filepath.Join(resumed, "ckpt-000006.safetensors")); err != nil {
		t.Fatal(err)
	}
	status, out, errOut := runCLI("text", "train", "--data", namesCorpus, "--context", "16", "--preset", "tiny",
		"--batch", "8", "--steps", "6", "--warmup", "2", "--checkpoint-every", "3", "--keep", "0", "--val-every", "0",
		"--out", resumed, "--resume", filepath.Join(resumed, "ckpt-000003.safetensors"))
	if status != 0 || !strings.Contains(out, "resumed from") {
		t.Fatalf("resume: status %d\nstdout %s\nstderr %s", status, out, errOut)
	}
	tensorsEqual(t, filepath.Join(straight, "ckpt-000006.safetensors"), filepath.Join(resumed, "ckpt-000006.safetensors"))

	// Resuming with flags that describe another network is refused, naming
	// the flag, and writes nothing.
	status, _, errOut = runCLI("text", "train", "--data", namesCorpus, "--context", "16", "--preset", "tiny",
		"--batch", "8", "--steps", "9", "--positions", "learned", "--out", filepath.Join(dir, "mismatch"),
		"--resume", filepath.Join(resumed, "ckpt-000003.safetensors"))
	if status == 0 || !strings.Contains(errOut, "--positions asks for learned") {
		t.Fatalf("resume with --positions learned: status %d, stderr %q; want a usage error naming --positions", status, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "mismatch")); !os.IsNotExist(err) {
		t.Fatalf("a refused resume created its output folder (err %v)", err)
	}

	// Completion and infilling keep every given character byte for byte.
	status, out, errOut = runCLI("text", "sample", "--model", straight, "--n", "4", "--steps", "8", "--prompt", "Ma")
	if status != 0 {
		t.Fatalf("sample: status %d, stderr %s", status, errOut)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("sample printed %d lines, want 4: %q", len(lines), out)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "Ma") {
			t.Errorf("completion %q lost its prompt", l)
		}
	}
	status, out, errOut = runCLI("text", "sample", "--model", straight, "--n", "3", "--steps", "8",
		"--infill", "Jo##a", "--gap", "#", "--format", "jsonl", "--seed", "5")
	if status != 0 {
		t.Fatalf("infill: status %d, stderr %s", status, errOut)
	}
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		var rec struct{ Text string }
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(rec.Text, "Jo") || !strings.HasSuffix(rec.Text, "a") || len([]rune(rec.Text)) > 5 {
			t.Errorf("infill %q does not keep Jo…a around a gap of at most 2", rec.Text)
		}
	}

	report := filepath.Join(dir, "report.json")
	status, out, errOut = runCLI("text", "eval", "--model", straight, "--samples", "4", "--steps", "4",
		"--limit", "16", "--ngram", "3", "--gap", "2", "--words", "", "--out", report)
	if status != 0 || !strings.Contains(out, "bits per character") || !strings.Contains(out, "3-gram") {
		t.Fatalf("eval: status %d\nstdout %s\nstderr %s", status, out, errOut)
	}
	var r textReport
	if err := checkpoint.ReadJSON(report, &r); err != nil {
		t.Fatal(err)
	}
	if r.Sequences != 16 || !(r.Bits > 0) || r.Samples == nil || len(r.Baselines) != 1 {
		t.Errorf("report %+v", r)
	}

	exported := filepath.Join(dir, "names.safetensors")
	if status, _, errOut = runCLI("text", "export", "--checkpoint", straight, "--out", exported); status != 0 {
		t.Fatalf("export: status %d, stderr %s", status, errOut)
	}
	status, out1, _ := runCLI("text", "sample", "--model", exported, "--n", "2", "--steps", "4", "--seed", "9")
	status2, out2, _ := runCLI("text", "sample", "--model", straight, "--n", "2", "--steps", "4", "--seed", "9")
	if status != 0 || status2 != 0 || out1 != out2 {
		t.Errorf("the export samples %q, the checkpoint's EMA %q", out1, out2)
	}
}

// TestTextAutoregressiveBaseline trains the causal baseline a few steps
// and samples and evaluates it.
func TestTextAutoregressiveBaseline(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ar")
	trainNames(t, dir, "--objective", "ar")
	status, out, errOut := runCLI("text", "sample", "--model", dir, "--n", "3")
	if status != 0 || len(strings.Split(strings.TrimRight(out, "\n"), "\n")) != 3 {
		t.Fatalf("ar sample: status %d\nstdout %q\nstderr %s", status, out, errOut)
	}
	status, _, errOut = runCLI("text", "sample", "--model", dir, "--prompt", "A")
	if status != 2 || !strings.Contains(errOut, "autoregressive") {
		t.Errorf("ar sample with --prompt: status %d, stderr %s", status, errOut)
	}
}

// Bad text inputs: each gives a clear error naming the file, line or
// argument, and writes nothing.
func TestTextRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, body []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	model := filepath.Join(dir, "model")
	trainNames(t, model)
	image := write("image.safetensors", shipped.FashionMNIST())
	out := filepath.Join(dir, "out")
	long := strings.Repeat("a", 40)
	for _, c := range []struct {
		name   string
		args   []string
		status int
		want   []string
	}{
		{"binary corpus", []string{"text", "train", "--data", write("bin.txt", []byte("ab\x00cd\n")), "--out", out}, 1, []string{"bin.txt:1"}},
		{"not UTF-8", []string{"text", "train", "--data", write("latin1.txt", []byte("ok\ncaf\xe9\n")), "--out", out}, 1, []string{"latin1.txt:2", "UTF-8"}},
		{"empty corpus", []string{"text", "train", "--data", write("empty.txt", nil), "--out", out}, 1, []string{"empty.txt", "empty"}},
		{"prompt outside the vocabulary", []string{"text", "sample", "--model", model, "--prompt", "Zoë", "--out", out}, 2, []string{"--prompt", "U+00EB"}},
		{"prompt longer than the context", []string{"text", "sample", "--model", model, "--prompt", long, "--out", out}, 2, []string{"--prompt", "context of 16"}},
		{"infill longer than the context", []string{"text", "sample", "--model", model, "--infill", long + "__", "--gap", "__", "--out", out}, 2, []string{"--infill", "context of 16"}},
		{"gap marker absent", []string{"text", "sample", "--model", model, "--infill", "Anna", "--gap", "##", "--out", out}, 2, []string{"--infill", `"##" does not occur`}},
		{"image checkpoint to a text command", []string{"text", "sample", "--model", image, "--out", out}, 1, []string{"image.safetensors", "an image model"}},
		{"text checkpoint to an image command", []string{"sample", "--checkpoint", filepath.Join(model, "ckpt-000006.safetensors"), "--out", out}, 1, []string{"ckpt-000006.safetensors", "text model"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, _, errOut := runCLI(c.args...)
			if status != c.status {
				t.Errorf("status %d, want %d; stderr %q", status, c.status, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a refused run created %s", out)
				os.RemoveAll(out)
			}
		})
	}
}

// The shipped fortunes model samples on a fresh checkout, keeping a prompt.
func TestTextShippedModel(t *testing.T) {
	status, out, errOut := runCLI("text", "sample", "--n", "2", "--steps", "8", "--prompt", "Love is")
	if status != 0 || !strings.Contains(errOut, "shipped:fortunes-mdlm.safetensors") {
		t.Fatalf("status %d\nstdout %q\nstderr %s", status, out, errOut)
	}
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if !strings.HasPrefix(l, "Love is") {
			t.Errorf("completion %q lost its prompt", l)
		}
	}
}
