package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/serve"
)

func TestServeRefusesBadFlags(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "0.0.0.0:0", "--data", dir}, "--token"},
		{[]string{"serve", "--addr", "nonsense", "--data", dir}, "--addr"},
		{[]string{"serve", "--model", "noequals", "--data", dir}, "--model"},
		{[]string{"ratings", "export", "--data", dir, "--out", filepath.Join(dir, "t.csv")}, "no jobs.db"},
		{[]string{"ratings", "export", "--data", dir, "--what", "all", "--out", "x.csv"}, "--what"},
	}
	for _, c := range cases {
		status, _, errOut := runCLI(c.args...)
		if status != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("diffuse %v: status %d, stderr %q; want 2 naming %s", c.args, status, errOut, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "jobs.db")); err == nil {
		t.Error("a refused serve created the database")
	}
}

func TestRatingsExportEmpty(t *testing.T) {
	dir := t.TempDir()
	st, err := serve.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	out := filepath.Join(dir, "trials.csv")
	status, stdout, errOut := runCLI("ratings", "export", "--data", dir, "--out", out)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(b), "session,rater,item,generated,answered_generated,gold,practice,millis\n") {
		t.Fatalf("trials.csv %q (%v)", b, err)
	}
	if !strings.Contains(stdout, "no real-or-generated ratings yet") {
		t.Fatalf("stdout %q", stdout)
	}
}
