package data_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/data"
)

// pairedFolders writes input/ and target/ with the given file names; the
// target pixel is 10·k and the input pixel 200 for the k-th name.
func pairedFolders(t *testing.T, inputs, targets []string) (string, string) {
	t.Helper()
	root := t.TempDir()
	in, tg := filepath.Join(root, "input"), filepath.Join(root, "target")
	for _, name := range inputs {
		writePNG(t, filepath.Join(in, name), 4, 4, func(x, y int) uint8 { return 200 })
	}
	for k, name := range targets {
		writePNG(t, filepath.Join(tg, name), 4, 4, func(x, y int) uint8 { return uint8(10 * k) })
	}
	return in, tg
}

func TestPairedDirServesTargetThenInput(t *testing.T) {
	names := []string{"a.png", "b.png", "sub/c.png"}
	in, tg := pairedFolders(t, names, names)
	d, err := data.OpenPairedDir(in, tg, data.PairedOptions{Size: 4, InputChannels: 1, TargetChannels: 1})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3 || d.Shape()[0] != 2 {
		t.Fatalf("Len, Shape = %d, %v, want 3, (2, 4, 4)", d.Len(), d.Shape())
	}
	x, y, err := d.Batch([]int{2, 0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range []int{2, 0} {
		target, input := x.Data[i*32], x.Data[i*32+16]
		if want := float32(10*k)/127.5 - 1; target != want {
			t.Errorf("item %d: target pixel %v, want %v (image %s)", i, target, want, names[k])
		}
		if want := float32(200)/127.5 - 1; input != want {
			t.Errorf("item %d: input pixel %v, want %v", i, input, want)
		}
		if y[i] != 0 {
			t.Errorf("item %d: label %d, want 0", i, y[i])
		}
	}
}

func TestPairedDirErrorsNameTheFile(t *testing.T) {
	cases := []struct {
		name            string
		inputs, targets []string
		size            int
		file, want      string
	}{
		{"target without input", []string{"a.png"}, []string{"a.png", "b.png"}, 4, "target/b.png", "want an input image"},
		{"input without target", []string{"a.png", "z.png"}, []string{"a.png"}, 4, "input/z.png", "want a target image"},
		{"wrong size", []string{"a.png"}, []string{"a.png"}, 8, "target/a.png", "want 8×8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in, tg := pairedFolders(t, tc.inputs, tc.targets)
			_, err := data.OpenPairedDir(in, tg, data.PairedOptions{Size: tc.size, InputChannels: 1, TargetChannels: 1})
			var pe *data.ParseError
			if !errors.As(err, &pe) || !strings.HasSuffix(pe.File, tc.file) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want a ParseError on %s containing %q", err, tc.file, tc.want)
			}
		})
	}
	in, tg := pairedFolders(t, []string{"a.png"}, []string{"a.png"})
	if _, err := data.OpenPairedDir(in, tg, data.PairedOptions{Size: 4, InputChannels: 2, TargetChannels: 1}); err == nil ||
		!strings.Contains(err.Error(), "channels 2") {
		t.Errorf("2 input channels: error = %v, want one naming the channels", err)
	}
}
