package graph_test

import (
	"fmt"
	"strings"

	"github.com/diffusego/diffusego/graph"
)

// The orbit counts of a paw: a triangle 0-1-2 with a tail 2-3.
func ExampleOrbits() {
	gs, err := graph.ReadEdgeList(strings.NewReader("0 1\n0 2\n1 2\n2 3\n"), "paw.edges")
	if err != nil {
		fmt.Println(err)
		return
	}
	for v, c := range graph.Orbits(gs[0]) {
		fmt.Println(v, c)
	}
	// Output:
	// 0 [2 1 0 1 0 0 0 0 0 0 1 0 0 0 0]
	// 1 [2 1 0 1 0 0 0 0 0 0 1 0 0 0 0]
	// 2 [3 0 2 1 0 0 0 0 0 0 0 1 0 0 0]
	// 3 [1 2 0 0 0 0 0 0 0 1 0 0 0 0 0]
}

// A self-loop is refused with the file and line.
func ExampleReadEdgeList() {
	_, err := graph.ReadEdgeList(strings.NewReader("0 1\n1 1\n"), "bad.edges")
	fmt.Println(err)
	// Output:
	// graph: bad.edges:2: field "target": want a node other than the source (self-loops are not allowed), got 1
}
