package main

import (
	"slices"
	"testing"

	"github.com/diffusego/diffusego/anomaly"
)

// TestColumns: the feature table has a column for every feature score of
// the library, in its order, after the ELBO columns; the CSV columns are
// the score columns without the baselines, and no two columns share a key.
func TestColumns(t *testing.T) {
	keys := scoreKeys(featureColumns)
	if !slices.Equal(keys[2:], anomaly.FeatureScoreNames) {
		t.Errorf("feature table score columns %v, want the ELBO columns then %v", keys, anomaly.FeatureScoreNames)
	}
	if got := scoreKeys(reconColumns); !slices.Equal(got, []string{"recon", "elbo"}) {
		t.Errorf("recon table score columns %v, want recon and elbo", got)
	}
	for _, cols := range [][]column{featureColumns, reconColumns} {
		seen := map[string]bool{}
		for _, c := range cols {
			if seen[c.key] {
				t.Errorf("column key %q twice", c.key)
			}
			seen[c.key] = true
		}
	}
}
