package filetest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// recorder is a testing.TB that keeps its errors instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Helper() {}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ReadDir reads a folder's files by name and leaves its sub-folders; Same
// names each missing, differing and unexpected file; SameFile tells equal
// files from different ones.
func TestCompare(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.png"), "aaa")
	write(t, filepath.Join(dir, "b.csv"), "b")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := ReadDir(t, dir)
	if len(files) != 2 || string(files["a.png"]) != "aaa" || string(files["b.csv"]) != "b" {
		t.Fatalf("ReadDir: %q, want a.png and b.csv", files)
	}

	r := &recorder{TB: t}
	Same(r, "part", files, map[string][]byte{"a.png": []byte("aaa"), "b.csv": []byte("b")})
	if len(r.errs) != 0 {
		t.Errorf("equal sets: %q", r.errs)
	}
	Same(r, "part", files, map[string][]byte{"a.png": []byte("aab"), "c.txt": nil})
	want := []string{"part: a.png differs", "part: c.txt missing", "part: b.csv not expected"}
	if !slices.Equal(r.errs, want) {
		t.Errorf("Same: %q, want %q", r.errs, want)
	}

	write(t, filepath.Join(dir, "c.png"), "aaa")
	r = &recorder{TB: t}
	SameFile(r, filepath.Join(dir, "a.png"), filepath.Join(dir, "c.png"))
	if len(r.errs) != 0 {
		t.Errorf("equal files: %q", r.errs)
	}
	SameFile(r, filepath.Join(dir, "a.png"), filepath.Join(dir, "b.csv"))
	if len(r.errs) != 1 {
		t.Errorf("different files: %q, want one error", r.errs)
	}
}
