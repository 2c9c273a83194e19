package pipelines

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/diffusego/diffusego/internal/filetest"
	"github.com/diffusego/diffusego/jobs"
)

// The tests run each pipeline on prism, in this process, and compare its
// output with the diffuse command's on the same inputs and seeds. The
// command is built from this repository (../cmd/diffuse) once.

func TestMain(m *testing.M) {
	flag.Parse()
	beam.Init()
	code := m.Run()
	if cliDir != "" {
		os.RemoveAll(cliDir)
	}
	os.Exit(code)
}

var (
	cliOnce sync.Once
	cliDir  string
	cliPath string
	cliErr  error
)

// diffuse runs the diffuse command with args and returns its output.
func diffuse(t *testing.T, args ...string) string {
	t.Helper()
	cliOnce.Do(func() {
		if cliDir, cliErr = os.MkdirTemp("", "diffuse-cli"); cliErr != nil {
			return
		}
		cliPath = filepath.Join(cliDir, "diffuse")
		out, err := exec.Command("go", "build", "-C", "../..", "-o", cliPath, "./cmd/diffuse").CombinedOutput()
		if err != nil {
			cliErr = fmt.Errorf("go build ./cmd/diffuse: %v\n%s", err, out)
		}
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	out, err := exec.Command(cliPath, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("diffuse %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// runPipeline builds the named pipeline from command-line flags, as
// diffuse-beam does, and runs it on prism.
func runPipeline(t *testing.T, name string, args ...string) {
	t.Helper()
	var f Flags
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	f.Register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := f.Build(ctx, name)
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	if err := Run(ctx, "prism", p); err != nil {
		t.Fatalf("%s %v on prism: %v", name, args, err)
	}
}

// samples writes n images of the shipped model (one sampling step) to a
// folder with the command, without grid.png (a one-shard run), and
// returns it.
func samples(t *testing.T, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "samples")
	diffuse(t, "sample", "--n", fmt.Sprint(n), "--steps", "1", "--seed", "9", "--shard", "0", "--shards", "1", "--out", dir)
	return dir
}

// The sample pipeline writes the command's PNGs byte for byte, whatever
// its shard count. Budget: 14 images of two steps, three times.
func TestSampleMatchesCommand(t *testing.T) {
	dir := t.TempDir()
	common := []string{"--n", "14", "--steps", "2", "--seed", "5", "--batch", "4", "--guidance", "2"}
	cli := filepath.Join(dir, "cli")
	diffuse(t, append([]string{"sample", "--out", cli}, common...)...)
	want := filetest.ReadDir(t, cli)
	delete(want, "grid.png")
	for _, shards := range []string{"0", "3"} {
		out := filepath.Join(dir, "beam"+shards)
		runPipeline(t, "sample", append(common, "--out", out, "--shards", shards)...)
		filetest.Same(t, "--shards "+shards+" against the command", filetest.ReadDir(t, out), want)
	}
}

// The index pipeline writes the command's index file byte for byte, and
// diffuse search finds the same images in it. Budget: 24 images.
func TestIndexMatchesCommand(t *testing.T) {
	imgs := samples(t, 24)
	dir := t.TempDir()
	cli, bm := filepath.Join(dir, "cli.safetensors"), filepath.Join(dir, "beam.safetensors")
	diffuse(t, "index", "--images", imgs, "--out", cli)
	runPipeline(t, "index", "--images", imgs, "--out", bm, "--shards", "5")
	filetest.SameFile(t, bm, cli)
	for _, q := range []string{"000003_c3.png", "000017_c7.png"} {
		query := filepath.Join(imgs, q)
		want := diffuse(t, "search", "--index", cli, "--query", query, "--k", "5")
		got := diffuse(t, "search", "--index", bm, "--query", query, "--k", "5")
		if got != want || !strings.Contains(got, q) {
			t.Errorf("search %s: pipeline's index gives\n%s\nthe command's\n%s", q, got, want)
		}
	}
}

// The anomaly pipeline writes the command's CSV byte for byte (chunks of
// 5 over 3 shards). Budget: 20 images and 6 validation images, one noise
// level, two ELBO terms.
func TestAnomalyMatchesCommand(t *testing.T) {
	imgs := samples(t, 26)
	val := filepath.Join(t.TempDir(), "val")
	if err := os.Mkdir(val, 0o755); err != nil {
		t.Fatal(err)
	}
	names, err := jobs.SampleNames(imgs)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names[20:] { // the last 6 are the normal images
		if err := os.Rename(filepath.Join(imgs, n), filepath.Join(val, n)); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	common := []string{"--images", imgs, "--val", val, "--class", "0", "--sigmas", "0.5", "--seeds", "1", "--elbo-terms", "2", "--chunk", "5"}
	cli, bm := filepath.Join(dir, "cli.csv"), filepath.Join(dir, "beam.csv")
	diffuse(t, append([]string{"anomaly", "--score", "recon", "--out", cli}, common...)...)
	runPipeline(t, "anomaly", append(common, "--out", bm, "--shards", "3")...)
	a, err := os.ReadFile(cli)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(bm)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("pipeline's CSV\n%s\nthe command's\n%s", b, a)
	}
	if rows := bytes.Count(a, []byte("\n")); rows != 21 {
		t.Errorf("the CSV has %d lines, want a header and 20 rows", rows)
	}
}

// The eval pipeline's report equals diffuse eval's: the Fréchet distance,
// precision and recall within 1e-9, the rest exactly. Needs the
// Fashion-MNIST test set. Budget: 150 samples of one step; the real test
// set is embedded twice.
func TestEvalMatchesCommand(t *testing.T) {
	if _, err := os.Stat(filepath.Join(DefaultFashionDir, "t10k-images-idx3-ubyte.gz")); err != nil {
		t.Skip("needs the Debian package dataset-fashion-mnist (", DefaultFashionDir, ")")
	}
	imgs := samples(t, 150) // more than the 128 features: full-rank covariances
	dir := t.TempDir()
	cli, bm := filepath.Join(dir, "cli.json"), filepath.Join(dir, "beam.json")
	diffuse(t, "eval", "--samples", imgs, "--out", cli)
	runPipeline(t, "eval", "--samples", imgs, "--out", bm, "--shards", "4")
	var want, got jobs.EvalReport
	for path, r := range map[string]*jobs.EvalReport{cli: &want, bm: &got} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"FD", got.FD, want.FD}, {"precision", got.Precision, want.Precision}, {"recall", got.Recall, want.Recall}} {
		if math.Abs(c.got-c.want) > 1e-9 || math.IsNaN(c.got) {
			t.Errorf("%s: pipeline %.15g, command %.15g", c.name, c.got, c.want)
		}
	}
	got.FD, got.Precision, got.Recall = want.FD, want.Precision, want.Recall
	if g, w := fmt.Sprintf("%+v %v", got.Report, *got.ClassAccuracy), fmt.Sprintf("%+v %v", want.Report, *want.ClassAccuracy); g != w || got.Samples != 150 {
		t.Errorf("report %s, want %s (150 samples)", g, w)
	}
}

// Bad requests are refused before anything runs: an unknown runner, an
// unknown pipeline, a sampler whose images depend on the split, a missing
// output.
func TestRefusals(t *testing.T) {
	if err := CheckRunner("spark"); err != nil {
		t.Errorf("spark: %v", err)
	}
	if err := Run(context.Background(), "dirct", nil); err == nil || !strings.Contains(err.Error(), `--runner "dirct": unknown runner; want one of prism, flink, spark, dataflow`) {
		t.Errorf("unknown runner: %v", err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"resample", []string{"--out", "x"}, `unknown pipeline "resample"`},
		{"sample", nil, "--out: want the output"},
		{"sample", []string{"--out", "x", "--sampler", "ddpm"}, "draws noise shared by a batch"},
		{"sample", []string{"--out", "x", "--class", "12"}, "--class 12: the model has 10 classes"},
		{"sample", []string{"--out", "x", "--shards", "-1"}, "--shards: want ≥ 0"},
		{"eval", []string{"--out", "x"}, "--samples: want a folder"},
		{"anomaly", []string{"--out", "x", "--images", "a", "--val", "b"}, "--class: the model is class-conditional"},
		{"anomaly", []string{"--out", "x", "--images", "a", "--val", "b", "--sigmas", "0.3,-1"}, `--sigmas: "-1" is not a positive number`},
	}
	for _, c := range cases {
		var f Flags
		fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
		f.Register(fs)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		_, err := f.Build(context.Background(), c.name)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: %v, want an error with %q", c.name, c.args, err, c.want)
		}
	}
}

// A worker that reads a checkpoint other than the one the pipeline was
// launched with refuses it, naming both hashes; the same file loads once
// per process and is accepted.
func TestCheckpointHashCheck(t *testing.T) {
	path := filepath.Join("..", "..", "models", "shipped", "fashion-mnist.safetensors")
	ctx := context.Background()
	m, _, err := ResolveModel(ctx, path, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Load(ctx); err != nil {
		t.Fatalf("the launcher's own checkpoint: %v", err)
	}
	other := m
	other.Hash = strings.Repeat("0", 64)
	_, err = other.Load(ctx)
	if err == nil || !strings.Contains(err.Error(), "this worker read sha256 "+m.Hash+", the pipeline was launched with "+other.Hash) {
		t.Errorf("a changed checkpoint: %v", err)
	}
}

// Paths with a scheme go through Beam's file systems; others are local.
func TestHasScheme(t *testing.T) {
	for path, want := range map[string]bool{"gs://b/x": true, "s3://b/x": true, "/tmp/x": false, "run/ckpt": false, "c:x": false, "://x": false, "a b://x": false} {
		if hasScheme(path) != want {
			t.Errorf("hasScheme(%q) = %v", path, !want)
		}
	}
}
