package nn_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

func TestPositionEmbeddingGrad(t *testing.T) {
	for _, l := range []int{3, 6} { // a prefix of the table, and all of it
		t.Run(fmt.Sprint(l), func(t *testing.T) {
			p := nn.NewPositionEmbedding("pos_emb", 6, 4, 0.5, tensor.NewRNG(1))
			f := func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Add(x, p.Forward(g, l)) }
			gradcheck.Check(t, f, gradcheck.Rand([]int{2, l, 4}, 2), gradcheck.Tol{}, vars(p.Params())...)
		})
	}
}

func TestPositionEmbeddingInit(t *testing.T) {
	p := nn.NewPositionEmbedding("pos_emb", 256, 64, 0.02, tensor.NewRNG(1))
	wantParams(t, p.Params(), []string{"pos_emb"}, [][]int{{256, 64}})
	var s, s2 float64
	for _, v := range p.Weight.V.Data() {
		s, s2 = s+float64(v), s2+float64(v)*float64(v)
	}
	n := float64(256 * 64)
	if std := math.Sqrt(s2/n - (s/n)*(s/n)); math.Abs(std-0.02) > 0.001 || math.Abs(s/n) > 0.001 {
		t.Errorf("entries have mean %.5f, std %.5f; want N(0, 0.02²)", s/n, std)
	}
	got := p.Forward(autograd.NoGrad(), 2)
	if !tensor.SameShape(got.Shape(), []int{2, 64}) || got.Data()[64] != p.Weight.V.Data()[64] {
		t.Errorf("Forward(2) = %v, want the first 2 rows", got.Shape())
	}
	var err error
	func() { defer tensor.Recover(&err); p.Forward(autograd.NoGrad(), 257) }()
	if err == nil {
		t.Error("length 257 of 256: no error")
	}
}
