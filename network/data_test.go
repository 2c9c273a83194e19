package network

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestEpiEstimExport re-runs data/export-epiestim.sh and checks that it
// reproduces the committed CSV files byte for byte. It needs Rscript and the
// EpiEstim package (Debian: r-cran-epiestim); without them it skips, and
// the committed files are used as they are. Starting R takes 3 to 12
// seconds, too long for every test run, so it runs only when asked:
//
//	NETWORK_EPIESTIM=1 go test -run EpiEstim ./network/
func TestEpiEstimExport(t *testing.T) {
	if os.Getenv("NETWORK_EPIESTIM") == "" {
		t.Skip("set NETWORK_EPIESTIM=1 to re-export the EpiEstim curves with R (needs r-cran-epiestim) and compare")
	}
	if _, err := exec.LookPath("Rscript"); err != nil {
		t.Skip("Rscript not found: install r-cran-epiestim to check network/data/export-epiestim.sh")
	}
	if err := exec.Command("Rscript", "-e", "library(EpiEstim)").Run(); err != nil {
		t.Skip("the R package EpiEstim is missing: install r-cran-epiestim to check network/data/export-epiestim.sh")
	}
	dir := t.TempDir()
	out, err := exec.Command("sh", "data/export-epiestim.sh", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("export-epiestim.sh: %v\n%s", err, out)
	}
	for _, name := range []string{"flu1918.csv", "measles1861.csv", "sars2003.csv"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("data", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the export differs from the committed file", name)
		}
	}
}
