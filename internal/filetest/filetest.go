// Package filetest compares the files runs write, for the tests that
// check that a run split into parts writes byte for byte what one whole
// run writes: diffuse's sharded runs (cmd/diffuse) and the Beam pipelines
// against the diffuse command (the beam module, which imports it through
// its replace of this module).
package filetest

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// ReadDir returns the files of dir by name (its sub-folders are not
// read), failing the test when dir cannot be read.
func ReadDir(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

// Same reports, as errors of the test prefixed with what, every file of
// want that got lacks or holds other bytes, and every file of got that
// want has not.
func Same(t testing.TB, what string, got, want map[string][]byte) {
	t.Helper()
	for _, name := range sortedNames(want) {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: %s missing", what, name)
		} else if !bytes.Equal(g, want[name]) {
			t.Errorf("%s: %s differs", what, name)
		}
	}
	for _, name := range sortedNames(got) {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s not expected", what, name)
		}
	}
}

// SameFile reports an error of the test unless the files got and want
// hold the same bytes; it fails the test when either cannot be read.
func SameFile(t testing.TB, got, want string) {
	t.Helper()
	g, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("%s differs from %s", got, want)
	}
}

// sortedNames returns the names of files in order, so that reports come
// in the same order every run.
func sortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
