package network_test

import (
	"fmt"
	"math"
	"strings"

	"github.com/diffusego/diffusego/network"
)

// ExampleParseEdgeList reads a small directed graph and ranks its nodes by
// PageRank (damping 0.85).
func ExampleParseEdgeList() {
	g, err := network.ParseEdgeList("links.txt", strings.NewReader("A B\nA C\nB C\nC A\n"), true)
	if err != nil {
		fmt.Println(err)
		return
	}
	pr := network.PageRank(g, 0.85, 1e-12, 1000)
	top, _ := network.TopK(pr, 3)
	for _, v := range top {
		fmt.Printf("%s %.4f\n", g.Names[v], pr[v])
	}
	// Output:
	// C 0.3974
	// A 0.3878
	// B 0.2148
}

// ExampleMonteCarlo estimates the spread of an independent cascade from one
// end of a path a–b–c: 1 + p + p² = 1.75 at p = 0.5.
func ExampleMonteCarlo() {
	g, _ := network.ParseEdgeList("path.txt", strings.NewReader("a b\nb c\n"), false)
	s, _ := network.MonteCarlo(g, network.IC{P: 0.5}, []int{0}, 0, 100000, 1)
	fmt.Printf("%.1f, within 3 standard errors of 1.75: %v\n", s.Mean, math.Abs(s.Mean-1.75) < 3*s.SE)
	// Output: 1.7, within 3 standard errors of 1.75: true
}
