package transformer_test

import (
	"errors"
	"io/fs"
	"math"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/checkpoint"
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
	rf, err := checkpoint.ReadFile(refPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is absent: run `make testdata` (needs python3-torch and python3-numpy: torch_text_bench.py --export-reference) to generate it", refPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	m, err := transformer.New(transformer.Bench(), tensor.NewRNG(0))
	if err != nil {
		t.Fatal(err)
	}
	ps := m.Params()

	// Every weight name and shape, in the file's (registration) order.
	var fileParams []string
	for _, name := range rf.Names {
		if !strings.HasPrefix(name, "ref.") && !strings.HasPrefix(name, "act.") && !strings.HasPrefix(name, "grad.") {
			fileParams = append(fileParams, name)
		}
	}
	if len(fileParams) != len(ps) {
		t.Fatalf("file has %d weights, model %d", len(fileParams), len(ps))
	}
	for i, p := range ps {
		w, ok := rf.Tensors[p.Name]
		if !ok || fileParams[i] != p.Name {
			t.Fatalf("param %d: model %s, file %s", i, p.Name, fileParams[i])
		}
		if !tensor.SameShape(w.Shape, p.V.Shape()) {
			t.Fatalf("%s: file %v, model %v", p.Name, w.Shape, p.V.Shape())
		}
		p.V.Value.CopyFrom(w)
	}

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

	const tol = 1e-4
	var worstMax float64
	var worstMaxAt string
	check := func(what string, got, want *tensor.Tensor) float64 {
		t.Helper()
		if got == nil || got.Len() != want.Len() { // the loss is () here, (1) in the file
			t.Errorf("%s: got %v, want shape %v", what, got, want.Shape)
			return math.Inf(1)
		}
		r := relErr(got.Data, want.Data)
		if !(r <= tol) {
			t.Errorf("%s: relative error %.3g > %g", what, r, tol)
		}
		mr := maxRelErr(got.Data, want.Data)
		if !(mr <= tol) {
			t.Errorf("%s: max-abs relative error %.3g > %g", what, mr, tol)
		}
		if mr > worstMax {
			worstMax, worstMaxAt = mr, what
		}
		return r
	}
	worst := func(cur float64, name string, r float64, at *string) float64 {
		if r > cur {
			*at = name
			return r
		}
		return cur
	}

	outErr := check("logits", logitsCopy, rf.Tensors["ref.logits"])
	lossErr := check("loss", loss.Value, rf.Tensors["ref.loss"])

	var actWorst float64
	var actAt string
	nActs := 0
	for _, name := range rf.Names {
		if after, ok := strings.CutPrefix(name, "act."); ok {
			nActs++
			actWorst = worst(actWorst, after, check(name, acts[after], rf.Tensors[name]), &actAt)
		}
	}
	if nActs != 6 || len(acts) != nActs {
		t.Errorf("%d reference activations, %d traced; want 6 of each", nActs, len(acts))
	}

	if err := g.Backward(loss); err != nil {
		t.Fatal(err)
	}
	var gradWorst float64
	var gradAt string
	for _, p := range ps {
		gradWorst = worst(gradWorst, p.Name, check("grad."+p.Name, p.V.Grad, rf.Tensors["grad."+p.Name]), &gradAt)
	}
	t.Logf("relative errors (L2): logits %.3g, loss %.3g, worst block output %.3g (%s), worst gradient %.3g (%s); worst max-abs ratio %.3g (%s)",
		outErr, lossErr, actWorst, actAt, gradWorst, gradAt, worstMax, worstMaxAt)
}

// relErr is ‖got − want‖/‖want‖ in float64.
func relErr(got, want []float32) float64 {
	var d, w float64
	for i := range want {
		e := float64(got[i]) - float64(want[i])
		d += e * e
		w += float64(want[i]) * float64(want[i])
	}
	if w == 0 {
		return math.Sqrt(d)
	}
	return math.Sqrt(d / w)
}

// maxRelErr is max|got − want|/max|want|.
func maxRelErr(got, want []float32) float64 {
	var d, w float64
	for i := range want {
		d = math.Max(d, math.Abs(float64(got[i])-float64(want[i])))
		w = math.Max(w, math.Abs(float64(want[i])))
	}
	if w == 0 {
		return d
	}
	return d / w
}
