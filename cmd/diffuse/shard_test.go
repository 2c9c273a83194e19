package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/internal/filetest"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/search"
)

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
	want := filetest.ReadDir(t, whole)
	delete(want, "grid.png")
	if len(want) != 7 {
		t.Fatalf("unsharded run wrote %d images, want 7", len(want))
	}
	for _, n := range shardCounts {
		got := map[string][]byte{}
		for i := range n {
			out := filepath.Join(dir, "s"+strconv.Itoa(n), strconv.Itoa(i))
			mustRun(t, append(common, "--out", out, "--batch", "2", "--shard", strconv.Itoa(i), "--shards", strconv.Itoa(n))...)
			for name, b := range filetest.ReadDir(t, out) {
				if _, dup := got[name]; dup {
					t.Errorf("--shards %d: %s written by two shards", n, name)
				}
				got[name] = b
			}
		}
		filetest.Same(t, fmt.Sprintf("--shards %d against the unsharded run", n), got, want)
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
	if files := filetest.ReadDir(t, env); len(files) != 1 || files["000001_c1.png"] == nil {
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

// shardRuns runs args once per shard of n, with --shard I --shards n and
// out(I) as the output, and returns the outputs in shard order.
func shardRuns(t *testing.T, n int, out func(i int) string, args ...string) []string {
	t.Helper()
	var outs []string
	for i := range n {
		o := out(i)
		mustRun(t, append(args, "--shard", strconv.Itoa(i), "--shards", strconv.Itoa(n), "--out", o)...)
		outs = append(outs, o)
	}
	return outs
}

// mergeFails runs diffuse merge on parts and checks that it fails with a
// message holding want and writes nothing.
func mergeFails(t *testing.T, want string, parts ...string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "merged")
	status, _, stderr := runCLI(append([]string{"merge", "--out", out}, parts...)...)
	if status == 0 || !strings.Contains(stderr, want) {
		t.Errorf("merge %v: status %d, stderr %q; want a failure naming %q", parts, status, stderr, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("merge %v wrote %s", parts, out)
	}
}

// Index parts merge into the very file an unsharded index run writes, for
// every shard count; merge refuses parts that do not make one whole.
// Budget: about a second (seven small encoder passes per split).
func TestIndexShardsMerge(t *testing.T) {
	dir := t.TempDir()
	imgs := filepath.Join(dir, "imgs")
	if err := os.Mkdir(imgs, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 7 {
		writeTestPNG(t, filepath.Join(imgs, fmt.Sprintf("%c.png", 'a'+i)), 28, i, false)
	}
	whole := filepath.Join(dir, "whole.safetensors")
	mustRun(t, "index", "--images", imgs, "--out", whole)
	parts := map[int][]string{}
	for _, n := range shardCounts {
		parts[n] = shardRuns(t, n, func(i int) string { return filepath.Join(dir, fmt.Sprintf("p%d-%d.safetensors", n, i)) },
			"index", "--images", imgs)
		merged := filepath.Join(dir, fmt.Sprintf("merged-%d.safetensors", n))
		mustRun(t, append([]string{"merge", "--out", merged}, parts[n]...)...)
		filetest.SameFile(t, merged, whole)
	}
	three := parts[3]
	mergeFails(t, "shard 1 of 3 is missing", three[0], three[2])
	mergeFails(t, "are both shard 2 of 3", three[0], three[1], three[2], three[2])
	mergeFails(t, three[0]+" is part of 3 shards, "+parts[2][0]+" of 2", parts[2][0], three[0], parts[2][1])
	mergeFails(t, "a whole index", whole)

	edit := func(name string, change func(m *search.Meta)) string {
		ix, err := search.Load(three[1])
		if err != nil {
			t.Fatal(err)
		}
		change(&ix.Meta)
		path := filepath.Join(dir, name)
		if err := ix.Save(path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	out := edit("range.safetensors", func(m *search.Meta) { m.Part.Shard = 5 })
	mergeFails(t, out+": shard 5 out of range 0..2", three[0], out, three[2])
	other := edit("other.safetensors", func(m *search.Meta) { m.Model = strings.Repeat("0", 64) })
	mergeFails(t, other+" was made with checkpoint sha256 "+strings.Repeat("0", 64), three[0], other, three[2])
}

// Anomaly parts, each scoring whole chunks, merge into the unsharded CSV
// byte for byte. Budget: about a second with the 8×8 model.
func TestAnomalyShardsMerge(t *testing.T) {
	dir := t.TempDir()
	run, imgs := tinyRun(t, dir, 0)
	args := []string{"anomaly", "--score", "recon", "--checkpoint", run, "--images", filepath.Join(imgs, "normal"), "--val", filepath.Join(imgs, "odd"),
		"--sigmas", "0.3,0.7", "--seeds", "2", "--elbo-terms", "4", "--chunk", "2"}
	whole := filepath.Join(dir, "whole.csv")
	mustRun(t, append(args, "--out", whole)...)
	parts := map[int][]string{}
	for _, n := range []int{1, 2, 3} {
		parts[n] = shardRuns(t, n, func(i int) string { return filepath.Join(dir, fmt.Sprintf("p%d-%d.csv", n, i)) }, args...)
		merged := filepath.Join(dir, fmt.Sprintf("merged-%d.csv", n))
		mustRun(t, append([]string{"merge", "--out", merged}, parts[n]...)...)
		filetest.SameFile(t, merged, whole)
	}
	mergeFails(t, "shard 0 of 2 is missing", parts[2][1])
	mergeFails(t, "are both shard 1 of 3", parts[3][0], parts[3][1], parts[3][1], parts[3][2])
	mergeFails(t, parts[3][1]+" is part of 3 shards, "+parts[2][0]+" of 2", parts[2][0], parts[3][1], parts[2][1])
	// a part scored with another checkpoint: its record says so
	var rec jobs.AnomalyPart
	if err := checkpoint.ReadJSON(parts[3][1]+partSuffix, &rec); err != nil {
		t.Fatal(err)
	}
	rec.Checkpoint = strings.Repeat("0", 64)
	other := filepath.Join(dir, "other.csv")
	if err := os.Link(parts[3][1], other); err != nil {
		t.Fatal(err)
	}
	if err := checkpoint.WriteJSON(other+partSuffix, rec); err != nil {
		t.Fatal(err)
	}
	mergeFails(t, other+" was made with checkpoint sha256 "+rec.Checkpoint, parts[3][0], other, parts[3][2])
	status, _, stderr := runCLI(append(args, "--shard", "0", "--shards", "4", "--out", filepath.Join(dir, "none.csv"))...)
	if status != 2 || !strings.Contains(stderr, "none of the 3 chunks") {
		t.Errorf("a shard with no chunk: status %d, stderr %q", status, stderr)
	}
}

// Eval parts merge into the report diffuse eval prints for the whole
// folder: the same features, so the same report (the Fréchet distance is
// allowed 1e-9, the rest must be equal). Budget: a few seconds (the real test set is embedded per report).
func TestEvalShardsMerge(t *testing.T) {
	needFashion(t)
	dir := t.TempDir()
	samples := filepath.Join(dir, "s")
	mustRun(t, "sample", "--n", "200", "--steps", "1", "--out", samples) // more than the 128 features: full-rank covariances
	want := filepath.Join(dir, "whole.json")
	wantOut := mustRun(t, "eval", "--samples", samples, "--out", want)
	var w evalReport
	if err := checkpoint.ReadJSON(want, &w); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 3, 7} {
		parts := shardRuns(t, n, func(i int) string { return filepath.Join(dir, fmt.Sprintf("p%d-%d.safetensors", n, i)) },
			"eval", "--samples", samples)
		got := filepath.Join(dir, fmt.Sprintf("merged-%d.json", n))
		gotOut := mustRun(t, append([]string{"merge", "--out", got}, parts...)...)
		if !strings.Contains(gotOut, wantOut) {
			t.Errorf("--shards %d: merge printed\n%s\nwant\n%s", n, gotOut, wantOut)
		}
		var g evalReport
		if err := checkpoint.ReadJSON(got, &g); err != nil {
			t.Fatal(err)
		}
		if math.Abs(g.FD-w.FD) > 1e-9 {
			t.Errorf("--shards %d: FD %.15g, unsharded %.15g", n, g.FD, w.FD)
		}
		g.FD = w.FD
		if gj, wj := fmt.Sprintf("%+v %v %v", g.Report, *g.ClassAccuracy, *g.RealClassAccuracy), fmt.Sprintf("%+v %v %v", w.Report, *w.ClassAccuracy, *w.RealClassAccuracy); gj != wj {
			t.Errorf("--shards %d: report %s, want %s", n, gj, wj)
		}
	}
}
