package checkpoint_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// onlyFile fails the test unless dir holds exactly the one file name.
func onlyFile(t *testing.T, dir, name string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Name() != name {
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only %s (no temporary files)", names, name)
	}
}

func TestWriteAtomicReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")
	for _, s := range []string{"first", "second"} {
		if err := checkpoint.WriteAtomic(path, writeString(s)); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != s {
			t.Errorf("file holds %q, want %q", b, s)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	onlyFile(t, dir, "a.txt")
}

func TestWriteAtomicKeepsModeOfReplacedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := checkpoint.WriteAtomic(path, writeString("new")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", fi.Mode().Perm())
	}
}

func TestWriteAtomicFailureLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt")
	if err := os.WriteFile(path, []byte("good"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk on fire")
	err := checkpoint.WriteAtomic(path, func(w io.Writer) error {
		io.WriteString(w, "half a checkpoint")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want it to wrap the write error", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "good" {
		t.Errorf("file holds %q after a failed write, want %q", b, "good")
	}
	onlyFile(t, dir, "ckpt")
}

func TestWriteAtomicPanicCleansUp(t *testing.T) {
	dir := t.TempDir()
	func() {
		defer func() { recover() }()
		checkpoint.WriteAtomic(filepath.Join(dir, "x"), func(io.Writer) error { panic("bug") })
	}()
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("a panicking write left %d files", len(es))
	}
}

func TestWriteAtomicMissingDir(t *testing.T) {
	err := checkpoint.WriteAtomic(filepath.Join(t.TempDir(), "no", "such", "dir", "f"), writeString("x"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want ErrNotExist", err)
	}
}
