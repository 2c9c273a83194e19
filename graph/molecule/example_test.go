package molecule_test

import (
	"fmt"

	"github.com/diffusego/diffusego/graph/molecule"
)

func ExampleParse() {
	m, err := molecule.Parse("c1ccccc1O") // phenol, aromatic input
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := m.SMILES()
	fmt.Println(len(m.Atoms), "heavy atoms:", s)
	_, err = molecule.Parse("c1ccnc1") // pyrrole without its hydrogen
	fmt.Println(err)
	// Output:
	// 7 heavy atoms: C1=CC=CC=C1O
	// smiles column 5: kekulisation: no Kekulé structure for this aromatic system: want a pyrrole-type nitrogen written [nH] (or n bonded to three atoms)
}

func ExampleMolecule_Canonical() {
	for _, s := range []string{"OCC", "C(O)C", "[CH3][CH2][OH]"} {
		m, _ := molecule.Parse(s)
		c, _ := m.Canonical()
		fmt.Println(s, "->", c)
	}
	// Output:
	// OCC -> CCO
	// C(O)C -> CCO
	// [CH3][CH2][OH] -> CCO
}
