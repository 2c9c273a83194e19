package search_test

import (
	"fmt"

	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
)

// Nearest ranks gallery rows by cosine similarity once they have unit
// length; exclude leaves a query's own row out.
func ExampleNearest() {
	gallery := search.Normalize(tensor.FromData([]float32{
		1, 0, // 0: east
		0, 1, // 1: north
		1, 1, // 2: north-east
		-1, 0, // 3: west
	}, 4, 2))
	query := search.Normalize(tensor.FromData([]float32{2, 1}, 1, 2))
	hits, err := search.Nearest(gallery, query, 3, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, h := range hits[0] {
		fmt.Printf("row %d: %.3f\n", h.Index, h.Similarity)
	}
	// Output:
	// row 2: 0.949
	// row 0: 0.894
	// row 1: 0.447
}
