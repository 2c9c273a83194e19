package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/models/shipped"
)

// runCLI runs diffuse in-process and returns the exit status and output.
func runCLI(args ...string) (status int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	status = run(args, &out, &errOut)
	return status, out.String(), errOut.String()
}

func TestVersion(t *testing.T) {
	status, out, errOut := runCLI("version")
	if status != 0 || errOut != "" {
		t.Fatalf("diffuse version: status %d, stderr %q", status, errOut)
	}
	if !strings.HasPrefix(out, "diffuse "+version) || !strings.Contains(out, runtime.Version()) {
		t.Errorf("diffuse version = %q, want the version and %s", out, runtime.Version())
	}
}

func TestInfo(t *testing.T) {
	status, out, errOut := runCLI("info")
	if status != 0 || errOut != "" {
		t.Fatalf("diffuse info: status %d, stderr %q", status, errOut)
	}
	sum := sha256.Sum256(shipped.FashionMNIST())
	want := []string{"version", runtime.Version(), "GOMAXPROCS", "shipped     fashion-mnist.safetensors sha256 " + hex.EncodeToString(sum[:])}
	if runtime.GOARCH == "amd64" {
		want = append(want, "AVX2 ", "FMA ", "AVX-512F ")
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("diffuse info output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "Fashion-MNIST") {
		t.Errorf("diffuse info without --data mentions a data set:\n%s", out)
	}
}

// writeIDX writes a gzip-compressed unsigned-byte IDX file.
func writeIDX(t *testing.T, path string, magic uint32, sizes []int, payload []byte) {
	t.Helper()
	b := binary.BigEndian.AppendUint32(nil, magic)
	for _, s := range sizes {
		b = binary.BigEndian.AppendUint32(b, uint32(s))
	}
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(append(b, payload...))
	w.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeFashionMNIST writes a folder with n train and m test images whose
// labels are given by label(i).
func fakeFashionMNIST(t *testing.T, n, m int, label func(i int) byte) string {
	dir := t.TempDir()
	for prefix, k := range map[string]int{"train": n, "t10k": m} {
		labels := make([]byte, k)
		for i := range labels {
			labels[i] = label(i)
		}
		writeIDX(t, filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"), 2051, []int{k, 28, 28}, make([]byte, k*784))
		writeIDX(t, filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"), 2049, []int{k}, labels)
	}
	return dir
}

func TestInfoData(t *testing.T) {
	dir := fakeFashionMNIST(t, 7, 3, func(i int) byte { return byte(i % 3 * 4) }) // classes 0, 4, 8
	status, out, errOut := runCLI("info", "--data", dir)
	if status != 0 || errOut != "" {
		t.Fatalf("diffuse info --data: status %d, stderr %q", status, errOut)
	}
	for _, w := range []string{
		"train     7 images 1×28×28",
		"test      3 images 1×28×28",
		"0 T-shirt/top         3      1",
		"4 Coat                2      1",
		"8 Bag                 2      1",
		"9 Ankle boot          0      0",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("diffuse info --data output lacks %q:\n%s", w, out)
		}
	}
}

func TestInfoDataErrors(t *testing.T) {
	t.Run("label out of range", func(t *testing.T) {
		dir := fakeFashionMNIST(t, 2, 2, func(i int) byte { return 11 })
		status, _, errOut := runCLI("info", "--data", dir)
		if status != 1 || !strings.Contains(errOut, "train-labels-idx1-ubyte.gz") || !strings.Contains(errOut, "got 11") {
			t.Errorf("status %d, stderr %q; want 1 and an error naming the labels file and the value 11", status, errOut)
		}
	})
	t.Run("missing folder", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "absent")
		status, out, errOut := runCLI("info", "--data", dir)
		if status != 1 || !strings.Contains(errOut, dir) || out != "" {
			t.Errorf("status %d, stdout %q, stderr %q; want 1 and only an error naming %s", status, out, errOut, dir)
		}
	})
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--bogus"}, "unknown flag: --bogus"},
		{"unknown subcommand flag", []string{"info", "--frob=3"}, "unknown flag: --frob"},
		{"unknown command", []string{"trian"}, `unknown command "trian"`},
		{"extra argument", []string{"version", "now"}, "diffuse version takes no arguments"},
		{"missing flag value", []string{"info", "--data"}, "flag needs an argument: --data"},
		{"empty flag value", []string{"info", "--data="}, "--data wants a folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, out, errOut := runCLI(c.args...)
			if status != 2 {
				t.Errorf("diffuse %v: status %d, want 2", c.args, status)
			}
			if !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "diffuse --help") {
				t.Errorf("diffuse %v: stderr %q, want %q and a pointer to --help", c.args, errOut, c.want)
			}
			if out != "" {
				t.Errorf("diffuse %v: stdout %q, want nothing", c.args, out)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{}, {"--help"}, {"help"}, {"info", "--help"}, {"version", "-h"}} {
		status, out, errOut := runCLI(args...)
		if status != 0 || errOut != "" {
			t.Errorf("diffuse %v: status %d, stderr %q; want 0 and no errors", args, status, errOut)
		}
		if !strings.Contains(out, "Usage:") || !strings.Contains(out, "Examples:") {
			t.Errorf("diffuse %v: help lacks Usage or Examples:\n%s", args, out)
		}
	}
}
