package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
)

// Each bad input gives status 1 or 2 and a message naming the file or
// key and the problem, and leaves no output behind.
func TestTrainRefusesBadSettings(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		name   string
		args   []string
		status int
		want   []string
	}{
		{"unknown key", []string{"--config", write("a.yaml", "train:\n  stepz: 3\n")}, 1, []string{"a.yaml", `unknown field "stepz"`}},
		{"wrong type", []string{"--config", write("b.json", `{"train": {"lr": "fast"}}`)}, 1, []string{"b.json:1", `"train.lr"`}},
		{"out of range", []string{"--batch", "0"}, 2, []string{"train.batch", "want ≥ 1, got 0"}},
		{"bad lr", []string{"--lr", "-1"}, 2, []string{"train.lr", "want in (0, 1]"}},
		{"bad preset", []string{"--preset", "huge"}, 2, []string{`preset "huge"`, "tiny, small, bench"}},
		{"bad weighting", []string{"--config", write("c.yaml", "diffusion: {weighting: snr2}\n")}, 2, []string{`unknown weighting "snr2"`}},
		{"bad dropout", []string{"--config", write("d.yaml", "diffusion: {label_dropout: 1.5}\n")}, 2, []string{"diffusion.label_dropout", "[0, 1)"}},
		{"bad model", []string{"--config", write("e.yaml", "model: {unet: {image_size: 28, in_channels: 1, out_channels: 1, channels: 7, channel_mult: [1], res_blocks: 1, heads: 1, groups: 4}}\n")}, 2, []string{"unet config", "channels"}},
		{"missing data", []string{"--data", filepath.Join(dir, "nowhere")}, 1, []string{"nowhere"}},
		{"missing config", []string{"--config", filepath.Join(dir, "none.yaml")}, 1, []string{"none.yaml"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, _, errOut := runCLI(append([]string{"train", "--out", out}, c.args...)...)
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
			}
		})
	}
}

// A checkpoint with a missing or mis-shaped tensor, or one that is not a
// checkpoint at all, is refused by sample with the file and the tensor
// named, and nothing is written.
func TestSampleRefusesBadCheckpoints(t *testing.T) {
	needFashion(t)
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	mustRun(t, "train", "--config", e2eConfig(t, run, 1))
	good := filepath.Join(run, "ckpt-000001.safetensors")
	f, err := checkpoint.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	save := func(name string, edit func(ts map[string]*tensor.Tensor)) string {
		ts := map[string]*tensor.Tensor{}
		for k, v := range f.Tensors {
			ts[k] = v
		}
		edit(ts)
		p := filepath.Join(dir, name)
		if err := checkpoint.WriteSafetensors(p, ts, f.Meta); err != nil {
			t.Fatal(err)
		}
		return p
	}
	garbage := filepath.Join(dir, "garbage.safetensors")
	os.WriteFile(garbage, []byte("not a checkpoint at all"), 0o644)
	for _, c := range []struct {
		name, path string
		want       []string
	}{
		{"missing tensor", save("missing.safetensors", func(ts map[string]*tensor.Tensor) { delete(ts, "ema.out.conv.weight") }), []string{"missing.safetensors", "ema.out.conv.weight"}},
		{"mis-shaped tensor", save("shape.safetensors", func(ts map[string]*tensor.Tensor) { ts["ema.out.conv.bias"] = tensor.New(2) }), []string{"shape.safetensors", "ema.out.conv.bias"}},
		{"not a checkpoint", garbage, []string{"garbage.safetensors"}},
		{"no such file", filepath.Join(dir, "absent.safetensors"), []string{"absent.safetensors"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, "out-"+strings.ReplaceAll(c.name, " ", "-"))
			status, _, errOut := runCLI("sample", "--checkpoint", c.path, "--out", out, "--n", "2", "--steps", "2")
			if status == 0 {
				t.Fatal("sample accepted a bad checkpoint")
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a refused sample created %s", out)
			}
		})
	}
	// A checkpoint of another model configuration cannot be resumed.
	other := filepath.Join(dir, "other")
	status, _, errOut := runCLI("train", "--preset", "tiny", "--data", fashionDir, "--limit", "64", "--steps", "20", "--out", other, "--resume", good)
	if status == 0 || !strings.Contains(errOut, good) || !strings.Contains(errOut, "another model") {
		t.Errorf("resuming a tiny model from another configuration: status %d, stderr %q", status, errOut)
	}
}

func TestEvalRefusesBadFolders(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "000000_c1.png")
	os.WriteFile(bad, []byte("\x89PNG broken"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--samples", filepath.Join(dir, "none")}, "none"},
		{[]string{"--samples", t.TempDir()}, "no sample images"},
		{[]string{"--samples", dir}, "000000_c1.png"},
	} {
		status, _, errOut := runCLI(append([]string{"eval"}, c.args...)...)
		if status == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("eval %v: status %d, stderr %q, want an error with %q", c.args, status, errOut, c.want)
		}
	}
}
