package checkpoint_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
)

// TestListPrune: checkpoints list oldest first; Prune keeps the newest
// ones with their JSON records and leaves other files alone.
func TestListPrune(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"ckpt-000010.safetensors", "ckpt-000010.json", "ckpt-000002.safetensors", "ckpt-000002.json",
		"ckpt-000005.safetensors", "other.json"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	list, err := checkpoint.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	base := func(l []string) []string {
		out := make([]string, len(l))
		for i, p := range l {
			out[i] = filepath.Base(p)
		}
		return out
	}
	if got, want := base(list), []string{"ckpt-000002.safetensors", "ckpt-000005.safetensors", "ckpt-000010.safetensors"}; !slices.Equal(got, want) {
		t.Fatalf("List = %v, want %v", got, want)
	}
	if err := checkpoint.Prune(dir, 2); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if want := []string{"ckpt-000005.safetensors", "ckpt-000010.json", "ckpt-000010.safetensors", "other.json"}; !slices.Equal(left, want) {
		t.Errorf("after Prune(2): %v, want %v", left, want)
	}
	if err := checkpoint.Prune(dir, 0); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadDir(dir); len(after) != len(entries) {
		t.Error("Prune(0) deleted files")
	}
}
