package metrics

import (
	"encoding/json"
	"os"
	"sync"
	"testing"
)

// golden is testdata/golden.json, written by testdata/make_golden.py
// (numpy 1.24.2): inputs drawn there and the reference values computed
// from them by independent numpy code.
type golden struct {
	Numpy string `json:"numpy"`
	Image []struct {
		Name         string    `json:"name"`
		Shape        []int     `json:"shape"`
		X            []float32 `json:"x"`
		Ref          []float32 `json:"ref"`
		Range        float64   `json:"range"`
		SSIMPerImage []float64 `json:"ssim_per_image"`
		PSNR         float64   `json:"psnr"`
	} `json:"image"`
	Frechet struct {
		D  int       `json:"d"`
		A  []float32 `json:"a"`
		B  []float32 `json:"b"`
		FD float64   `json:"fd"`
	} `json:"frechet"`
	PrecRec struct {
		D         int       `json:"d"`
		K         int       `json:"k"`
		Real      []float32 `json:"real"`
		Fake      []float32 `json:"fake"`
		Precision float64   `json:"precision"`
		Recall    float64   `json:"recall"`
	} `json:"precrec"`
	AUROC struct {
		Scores []float64 `json:"scores"`
		Labels []bool    `json:"labels"`
		AUROC  float64   `json:"auroc"`
	} `json:"auroc"`
}

var loadGolden = sync.OnceValues(func() (*golden, error) {
	b, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		return nil, err
	}
	var g golden
	return &g, json.Unmarshal(b, &g)
})

func readGolden(t *testing.T) *golden {
	t.Helper()
	g, err := loadGolden()
	if err != nil {
		t.Fatalf("testdata/golden.json: %v", err)
	}
	return g
}
