package molgen_test

import (
	"fmt"

	"github.com/diffusego/diffusego/graph/molecule"
	"github.com/diffusego/diffusego/graph/molgen"
)

// Ring sizes and the ring-count class of naphthalene, and a molecule
// encoded as a typed graph and decoded back.
func ExampleRingSizes() {
	m, _ := molecule.Parse("c1ccc2ccccc2c1")
	fmt.Println(molgen.RingSizes(m), molgen.RingClass(m))

	nitro, _ := molecule.Parse("C[N+](=O)[O-]")
	v := molgen.NewVocab([]*molecule.Molecule{nitro})
	g, _ := v.Graph(nitro)
	back, _ := v.Molecule(g)
	s, _ := back.Canonical()
	fmt.Println(v.Names(), g.N(), g.NumEdges(), s)
	// Output:
	// [6 6] 2
	// [C N+ O- O] 4 3 C[N+]([O-])=O
}

func ExampleTV() {
	p := molgen.Hist{"C": 3, "N": 1}
	q := molgen.Hist{"C": 1, "N": 1}
	fmt.Printf("%.2f\n", molgen.TV(p, q))
	// Output: 0.25
}
