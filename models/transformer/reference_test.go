package transformer_test

import (
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/internal/reftest"
	"github.com/diffusego/diffusego/models/transformer"
	"github.com/diffusego/diffusego/tensor"
)

// refPath is the PyTorch reference export of bench-text (gitignored, about
// 65 MB): `make testdata` writes it with torch_text_bench.py
// --export-reference.
const refPath = "../../testdata/ref/benchtext.safetensors"

// mdlmLoss is the MDLM loss of TEXT_SPEC.md ("The training loss"):
// Σ_i Σ_l mask_il·CE(logits_il, x0_il)/t_i / (B·L), logits (B, L, V).
func mdlmLoss(g *autograd.Graph, logits *autograd.Var, x0 []int, mask []bool, t []float64) *autograd.Var {
	s := logits.Shape()
	b, l, v := s[0], s[1], s[2]
	w := make([]float32, b*l)
	for i := range w {
		if mask[i] {
			w[i] = float32(1 / (t[i/l] * float64(b*l)))
		}
	}
	return g.WeightedCrossEntropy(g.Reshape(logits, b*l, v), x0, w)
}

// TestReference loads the PyTorch reference's weights and batch and
// compares the logits, every block's output, the MDLM loss and every
// parameter gradient, each within 1e-4 relative in two senses:
// ‖got − want‖/‖want‖ (as benchunet's reference test) and the stricter
// max|got − want|/max|want|. Time budget: one batch-3 forward and backward at length
// 256, about 1 s on two cores.
func TestReference(t *testing.T) {
	rf := reftest.Open(t, refPath, "run `make testdata` (needs python3-torch and python3-numpy: torch_text_bench.py --export-reference) to generate it")
	m, err := transformer.New(transformer.Bench(), tensor.NewRNG(0))
	if err != nil {
		t.Fatal(err)
	}
	ps := m.Params()

	reftest.LoadWeights(t, rf, ps) // every weight by name and shape, in the file's order

	// ref.z and ref.x0 are I64 and ref.mask BOOL in the file: small
	// integers, exact in float32.
	z, x0, mask := rf.Tensors["ref.z"], rf.Tensors["ref.x0"], rf.Tensors["ref.mask"]
	b, l := z.Shape[0], z.Shape[1]
	tokens, labels, masked := make([]int, b*l), make([]int, b*l), make([]bool, b*l)
	for i := range tokens {
		tokens[i], labels[i], masked[i] = int(z.Data[i]), int(x0.Data[i]), mask.Data[i] != 0
	}
	ts := make([]float64, b)
	for i, v := range rf.Tensors["ref.t"].Data {
		ts[i] = float64(v)
	}

	acts := map[string]*tensor.Tensor{}
	m.Trace = func(name string, v *autograd.Var) { acts[name] = v.Value.Clone() }
	g := autograd.NewPooled() // the training path: values and gradients recycled in Backward
	logits := m.Forward(g, tokens, b, l, ts)
	logitsCopy := logits.Value.Clone() // Backward gives intermediate values back to the pool
	loss := mdlmLoss(g, logits, labels, masked, ts)

	c := &reftest.Comparison{T: t, Tol: 1e-4, MaxAbs: true}
	outErr := c.Check("logits", logitsCopy, rf.Tensors["ref.logits"])
	lossErr := c.Check("loss", loss.Value, rf.Tensors["ref.loss"])
	actWorst, actAt := c.Activations(rf, acts, 6)
	if err := g.Backward(loss); err != nil {
		t.Fatal(err)
	}
	gradWorst, gradAt := c.Gradients(rf, ps)
	worstMax, worstMaxAt := c.WorstMaxAbs()
	t.Logf("relative errors (L2): logits %.3g, loss %.3g, worst block output %.3g (%s), worst gradient %.3g (%s); worst max-abs ratio %.3g (%s)",
		outErr, lossErr, actWorst, actAt, gradWorst, gradAt, worstMax, worstMaxAt)
}
