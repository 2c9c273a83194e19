package tabular_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tabular"
)

func ExampleInfer() {
	in := "species,mass,wing,ringed\nA,3750,18.5,yes\nB,,19.25,no\nA,4100,,no\n"
	tb, err := data.ParseCSV(strings.NewReader(in), "birds.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := tabular.Infer(tb, &tabular.Config{Target: "species"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range s.Columns {
		fmt.Println(c.Name, c.Kind, c.Categories, "missing:", c.Missing)
	}
	// Output:
	// species categorical [A B] missing: false
	// mass integer [] missing: true
	// wing numeric [] missing: true
	// ringed boolean [false true] missing: false
}

func ExampleTransformer_Decode() {
	in := "colour,size\nred,1.5\nblue,\n,2.25\n"
	tb, _ := data.ParseCSV(strings.NewReader(in), "t.csv")
	s, _ := tabular.Infer(tb, nil)
	f, _ := tabular.Parse(tb, s, nil)
	tr, _ := tabular.Fit(f, tabular.ScaleQuantile)
	back, _ := tr.Decode(tr.Encode(f)) // the exact inverse
	_ = data.WriteCSV(os.Stdout, back.Table("t.csv"))
	// Output:
	// colour,size
	// red,1.5
	// blue,
	// ,2.25
}
