package main

import (
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const miserables = "../../network/testdata/miserables.json"

func TestNetworkSimulate(t *testing.T) {
	plot := filepath.Join(t.TempDir(), "sir.png")
	args := []string{"network", "simulate", "--graph", miserables, "--model", "sir", "--seeds", "Valjean,Javert",
		"--beta", "0.1", "--gamma", "0.2", "--runs", "200", "--seed", "3"}
	status, out, stderr := runCLI(append(args, "--plot", plot)...)
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	m := regexp.MustCompile(`mean final size \(ever infected\): ([0-9.]+) ± ([0-9.]+) of 77 nodes`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("output %q: want the mean final size of 77 nodes", out)
	}
	if mean, _ := strconv.ParseFloat(m[1], 64); mean < 2 || mean > 77 {
		t.Errorf("mean final size %v: want between the 2 seeds and the 77 nodes", mean)
	}
	if !strings.Contains(out, "from Valjean, Javert") {
		t.Errorf("output %q: want the seeds by name", out)
	}
	f, err := os.Open(plot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if img, err := png.Decode(f); err != nil || img.Bounds().Dx() != 640 {
		t.Errorf("plot: %v, want a 640-pixel-wide PNG", err)
	}
	_, again, _ := runCLI(args...)
	if again != strings.Replace(out, "wrote "+plot+"\n", "", 1) {
		t.Errorf("same seed, different output:\n%s\n%s", out, again)
	}
	status, out, stderr = runCLI("network", "simulate", "--graph", miserables, "--model", "ic", "--p", "0.3", "--seeds", "11", "--runs", "100")
	if status != 0 || !strings.Contains(out, "mean activated nodes") {
		t.Errorf("IC by id: status %d, output %q, stderr %q", status, out, stderr)
	}
}

func TestNetworkSeed(t *testing.T) {
	status, out, stderr := runCLI("network", "seed", "--graph", miserables, "--k", "2", "--model", "ic", "--p", "0.1",
		"--method", "all", "--worlds", "200", "--runs", "2000", "--each-k")
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	rows := regexp.MustCompile(`(?m)^\| (\w+) \| (\d) \| ([^|]+) \| ([0-9.]+) ± ([0-9.]+) \|$`).FindAllStringSubmatch(out, -1)
	if len(rows) != 8 {
		t.Fatalf("output %q: want 8 rows (4 methods × k = 1, 2)", out)
	}
	if rows[0][1] != "celf" || rows[0][3] != "Valjean" {
		t.Errorf("first row %q: want celf choosing Valjean, the hub of the graph", rows[0][0])
	}
	for _, r := range rows {
		if r[2] == "2" && len(strings.Split(r[3], ", ")) != 2 {
			t.Errorf("row %q: want two named seeds", r[0])
		}
	}
}

func TestNetworkFit(t *testing.T) {
	plot := filepath.Join(t.TempDir(), "fit.png")
	status, out, stderr := runCLI("network", "fit", "--data", "../../network/data/measles1861.csv", "--period", "14.9", "--plot", plot)
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	m := regexp.MustCompile(`R0 ([0-9.]+) \(95% profile interval ([0-9.]+)–([0-9.]+)\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("output %q: want R0 with its interval", out)
	}
	r0, _ := strconv.ParseFloat(m[1], 64)
	lo, _ := strconv.ParseFloat(m[2], 64)
	hi, _ := strconv.ParseFloat(m[3], 64)
	if !(lo < r0 && r0 < hi) {
		t.Errorf("R0 %v outside its interval [%v, %v]", r0, lo, hi)
	}
	for _, w := range []string{"48 days, 187 cases", "deviance", "early growth", "D fixed"} {
		if !strings.Contains(out, w) {
			t.Errorf("output %q does not contain %q", out, w)
		}
	}
	if _, err := os.Stat(plot); err != nil {
		t.Errorf("plot not written: %v", err)
	}
}

// Each bad input gives status 1 or 2, a message naming the file (and line)
// and the problem, and writes no plot.
func TestNetworkBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	plot := filepath.Join(dir, "out.png")
	sim := func(graph string, extra ...string) []string {
		return append([]string{"network", "simulate", "--graph", graph, "--seeds", "0", "--runs", "10", "--plot", plot}, extra...)
	}
	missingNode := write("missing.json", "{\"nodes\": [{\"name\": \"a\"}, {\"name\": \"b\"}],\n\"links\": [\n{\"source\": 0, \"target\": 1},\n{\"source\": 1, \"target\": 2}]}")
	for _, c := range []struct {
		name   string
		args   []string
		status int
		want   []string
	}{
		{"missing graph file", sim(filepath.Join(dir, "nowhere.json")), 1, []string{"nowhere.json", "no such file"}},
		{"edge to a missing node", sim(missingNode), 1, []string{"missing.json:4", "links[1].target", "[0, 2)"}},
		{"negative weight", sim(write("neg.txt", "a b 1\n# fine so far\nb c -0.5\n")), 1, []string{"neg.txt:3", "weight", "> 0", "-0.5"}},
		{"empty graph file", sim(write("empty.txt", "")), 1, []string{"empty.txt", "empty file"}},
		{"malformed JSON", sim(write("bad.json", "{\"nodes\": [\n{\"name\": \"a\",}]}")), 1, []string{"bad.json:2", "valid JSON"}},
		{"unknown seed", []string{"network", "simulate", "--graph", miserables, "--seeds", "Valjean,Nobody", "--plot", plot}, 1, []string{"miserables.json", `"Nobody"`}},
		{"unknown model", sim(miserables, "--model", "seir"), 2, []string{"--model", `"seir"`}},
		{"beta above 1", sim(miserables, "--model", "sir", "--beta", "1.5"), 2, []string{"beta", "[0, 1]"}},
		{"no graph", []string{"network", "simulate", "--seeds", "a"}, 2, []string{"--graph is required"}},
		{"no seeds", []string{"network", "simulate", "--graph", miserables}, 2, []string{"--seeds is required"}},
		{"k above the node count", []string{"network", "seed", "--graph", miserables, "--k", "100"}, 1, []string{"--k 100", "77", "miserables.json"}},
		{"seed with SIR", []string{"network", "seed", "--graph", miserables, "--model", "sir"}, 2, []string{"ic or lt"}},
		{"unknown method", []string{"network", "seed", "--graph", miserables, "--method", "celf,betweenness"}, 2, []string{`"betweenness"`}},
		{"missing incidence file", []string{"network", "fit", "--data", filepath.Join(dir, "none.csv"), "--plot", plot}, 1, []string{"none.csv"}},
		{"bad incidence count", []string{"network", "fit", "--data", write("inc.csv", "day,incidence\n1,4\n2,-3\n"), "--plot", plot}, 1, []string{"inc.csv:3", `"-3"`}},
		{"too few cases", []string{"network", "fit", "--data", write("few.csv", "day,incidence\n1,1\n2,0\n3,1\n4,0\n5,1\n6,0\n7,1\n"), "--plot", plot}, 1, []string{"few.csv", "10 cases"}},
		{"bad likelihood", []string{"network", "fit", "--data", "x.csv", "--likelihood", "normal"}, 2, []string{"poisson or negbin"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, _, stderr := runCLI(c.args...)
			if status != c.status {
				t.Errorf("status %d, want %d (stderr %q)", status, c.status, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not contain %q", stderr, w)
				}
			}
			if _, err := os.Stat(plot); err == nil {
				t.Errorf("a refused run wrote %s", plot)
				os.Remove(plot)
			}
		})
	}
}
