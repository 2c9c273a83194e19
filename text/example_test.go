package text_test

import (
	"fmt"

	"github.com/diffusego/diffusego/text"
)

func ExampleVocab_Encode() {
	v, _ := text.BuildVocab([]string{"banana", "cab"}, 0)
	ids, _ := v.Encode("cab")
	back, _ := v.Decode(ids)
	_, err := v.Encode("cat")
	fmt.Println(v.Size(), v.MaskID(), ids, back)
	fmt.Println(err)
	// Output:
	// 6 6 [4 2 3] cab
	// text: character 't' (U+0074) at position 2 is not in the vocabulary
}

func ExampleMakeSequences() {
	docs := [][]int{{5, 6, 7}, {8}, {9, 10}}
	pad, _ := text.MakeSequences(docs, 4, text.Pad)
	pack, _ := text.MakeSequences(docs, 4, text.Pack)
	fmt.Println(pad.Tokens)
	fmt.Println(pack.Tokens)
	// Output:
	// [5 6 7 0 8 0 0 0 9 10 0 0]
	// [5 6 7 0 8 0 9 10]
}

func ExampleDistinctN() {
	samples := []string{"the cat sat", "the cat ran"}
	fmt.Printf("%.3f %.3f\n", text.DistinctN(samples, 2, text.ByWord), text.UnigramEntropy([]string{"aabb"}))
	// Output:
	// 0.750 1.000
}
