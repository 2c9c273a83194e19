package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readDir returns the files of dir by name.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

// shardCounts are the splits every sharding test checks against one
// unsharded run: 1, 2, 3 and 7 parts (7 = n, one item per part).
var shardCounts = []int{1, 2, 3, 7}

// The PNGs of --shards N runs, for every N, are byte for byte those of one
// unsharded run (drawn in other batches), and named by global index.
func TestSampleShardsUnion(t *testing.T) {
	dir := t.TempDir()
	common := []string{"sample", "--n", "7", "--steps", "2", "--seed", "5"}
	whole := filepath.Join(dir, "whole")
	mustRun(t, append(common, "--out", whole, "--batch", "4")...)
	want := readDir(t, whole)
	delete(want, "grid.png")
	if len(want) != 7 {
		t.Fatalf("unsharded run wrote %d images, want 7", len(want))
	}
	for _, n := range shardCounts {
		got := map[string][]byte{}
		for i := range n {
			out := filepath.Join(dir, "s"+strconv.Itoa(n), strconv.Itoa(i))
			mustRun(t, append(common, "--out", out, "--batch", "2", "--shard", strconv.Itoa(i), "--shards", strconv.Itoa(n))...)
			for name, b := range readDir(t, out) {
				if _, dup := got[name]; dup {
					t.Errorf("--shards %d: %s written by two shards", n, name)
				}
				got[name] = b
			}
		}
		if len(got) != len(want) {
			t.Errorf("--shards %d: %d files, want %d", n, len(got), len(want))
		}
		for name, b := range want {
			if !bytes.Equal(got[name], b) {
				t.Errorf("--shards %d: %s differs from the unsharded run's", n, name)
			}
		}
	}
}

// JOB_COMPLETION_INDEX names the shard; a --shard that disagrees, a shard
// out of range, a missing --shards and a batch-coupled sampler are usage
// errors that write nothing.
func TestSampleShardErrors(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(jobIndexEnv, "1")
	env := filepath.Join(dir, "env")
	mustRun(t, "sample", "--n", "3", "--steps", "1", "--shards", "3", "--out", env)
	if files := readDir(t, env); len(files) != 1 || files["000001_c1.png"] == nil {
		t.Errorf("%s=1 of 3 wrote %v, want image 1 only", jobIndexEnv, keys(files))
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--shard", "0", "--shards", "3"}, "conflicts with " + jobIndexEnv},
		{[]string{"--shard", "1"}, "--shards N is required"},
		{[]string{}, "--shards is not"},
		{[]string{"--shards", "1"}, "want 0..0"},
		{[]string{"--shards", "0", "--shard", "1"}, "--shards: want ≥ 1"},
		{[]string{"--shards", "3", "--sampler", "ddpm"}, "depend on how the run is split"},
		{[]string{"--shards", "3", "--npy"}, "need the whole run"},
	}
	for _, c := range cases {
		out := filepath.Join(dir, "bad")
		status, _, stderr := runCLI(append([]string{"sample", "--n", "3", "--steps", "1", "--out", out}, c.args...)...)
		if status != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: status %d, stderr %q; want 2 and %q", c.args, status, stderr, c.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%v: wrote %s", c.args, out)
		}
	}
	t.Setenv(jobIndexEnv, "x")
	if status, _, stderr := runCLI("sample", "--n", "3", "--shards", "3", "--out", filepath.Join(dir, "x")); status != 2 || !strings.Contains(stderr, "want an integer") {
		t.Errorf("%s=x: status %d, stderr %q", jobIndexEnv, status, stderr)
	}
}

// keys returns the names in m.
func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// The rows of --shards N tabular runs, in shard order, are byte for byte
// the unsharded run's rows, for every N, including shards with no rows.
func TestTabularSampleShardsUnion(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m")
	mustRun(t, "tabular", "train", "--data", "../../tabular/testdata/penguins.json", "--config",
		"../../tabular/testdata/penguins.config.json", "--iters", "3", "--width", "16", "--layers", "1", "--steps", "10", "--out", model)
	for _, mode := range [][]string{{}, {"--balanced"}} {
		common := append([]string{"tabular", "sample", "--model", model, "--n", "5", "--seed", "3"}, mode...)
		whole := filepath.Join(dir, "whole.csv")
		mustRun(t, append(common, "--out", whole)...)
		want, err := os.ReadFile(whole)
		if err != nil {
			t.Fatal(err)
		}
		header, _, _ := bytes.Cut(want, []byte("\n"))
		for _, n := range shardCounts {
			var got []byte
			for i := range n {
				out := filepath.Join(dir, "part.csv")
				mustRun(t, append(common, "--out", out, "--shard", strconv.Itoa(i), "--shards", strconv.Itoa(n))...)
				b, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				h, rows, _ := bytes.Cut(b, []byte("\n"))
				if !bytes.Equal(h, header) {
					t.Fatalf("%v shard %d of %d: header %q, want %q", mode, i, n, h, header)
				}
				got = append(got, rows...)
			}
			if _, rows, _ := bytes.Cut(want, []byte("\n")); !bytes.Equal(got, rows) {
				t.Errorf("%v --shards %d: rows\n%s\nwant\n%s", mode, n, got, rows)
			}
		}
	}
}
