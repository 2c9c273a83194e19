// Package reftest compares a Go model with a PyTorch reference export in
// tests: the bench models' equality tests (models/benchunet,
// models/transformer) load the export's weights into the Go model, run the
// same batch, and check the output, the loss, every traced activation and
// every parameter gradient against the export.
//
// An export is a safetensors file whose weights carry the model's
// parameter names, in registration order, beside tensors named "ref.*"
// (the batch, the output, the loss), "act.*" (activations, by trace name)
// and "grad.*" (gradients, by parameter name).
package reftest

import (
	"errors"
	"io/fs"
	"math"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Open reads the export at path, skipping the test with the message how
// when the file is absent (it is generated, not committed).
func Open(t testing.TB, path, how string) *checkpoint.File {
	t.Helper()
	rf, err := checkpoint.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is absent: %s", path, how)
	}
	if err != nil {
		t.Fatal(err)
	}
	return rf
}

// LoadWeights copies the export's weights into ps, failing the test unless
// the file holds exactly the model's parameters, by name and shape, in the
// model's order.
func LoadWeights(t testing.TB, rf *checkpoint.File, ps []*nn.Param) {
	t.Helper()
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
}

// Comparison checks tensors against the export within Tol relative error,
// ‖got − want‖/‖want‖, and, when MaxAbs is set, also within Tol in the
// stricter max|got − want|/max|want|. It remembers the worst of each.
type Comparison struct {
	T      testing.TB
	Tol    float64
	MaxAbs bool

	worstMax   float64
	worstMaxAt string
}

// Check compares got with want, reports an error naming what when either
// error exceeds Tol (or the sizes differ), and returns the L2 relative
// error (+Inf on a size mismatch).
func (c *Comparison) Check(what string, got, want *tensor.Tensor) float64 {
	c.T.Helper()
	if got == nil || want == nil || got.Len() != want.Len() { // a loss is () in Go, (1) in the file
		c.T.Errorf("%s: got %v, want %v", what, shapeOf(got), shapeOf(want))
		return math.Inf(1)
	}
	r := RelErr(got.Data, want.Data)
	if !(r <= c.Tol) {
		c.T.Errorf("%s: relative error %.3g > %g", what, r, c.Tol)
	}
	if c.MaxAbs {
		mr := MaxRelErr(got.Data, want.Data)
		if !(mr <= c.Tol) {
			c.T.Errorf("%s: max-abs relative error %.3g > %g", what, mr, c.Tol)
		}
		if mr > c.worstMax {
			c.worstMax, c.worstMaxAt = mr, what
		}
	}
	return r
}

// WorstMaxAbs is the largest max-abs relative error Check has seen and
// what it was of (zero and "" unless MaxAbs is set).
func (c *Comparison) WorstMaxAbs() (float64, string) { return c.worstMax, c.worstMaxAt }

// Activations checks every "act.NAME" tensor of the export against
// acts[NAME], failing unless the export holds want activations and acts
// holds exactly those. It returns the worst relative error and its name.
func (c *Comparison) Activations(rf *checkpoint.File, acts map[string]*tensor.Tensor, want int) (worst float64, at string) {
	c.T.Helper()
	n := 0
	for _, name := range rf.Names {
		if after, ok := strings.CutPrefix(name, "act."); ok {
			n++
			if r := c.Check(name, acts[after], rf.Tensors[name]); r > worst || at == "" {
				worst, at = r, after
			}
		}
	}
	if n != want || len(acts) != n {
		c.T.Errorf("%d reference activations, %d traced; want %d of each", n, len(acts), want)
	}
	return worst, at
}

// Gradients checks each parameter's gradient against the export's
// "grad.NAME" and returns the worst relative error and its parameter.
func (c *Comparison) Gradients(rf *checkpoint.File, ps []*nn.Param) (worst float64, at string) {
	c.T.Helper()
	for _, p := range ps {
		if r := c.Check("grad."+p.Name, p.V.Grad, rf.Tensors["grad."+p.Name]); r > worst || at == "" {
			worst, at = r, p.Name
		}
	}
	return worst, at
}

// RelErr is ‖got − want‖/‖want‖ in float64 (‖got − want‖ when want is 0).
func RelErr(got, want []float32) float64 {
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

// MaxRelErr is max|got − want|/max|want| (max|got − want| when want is 0).
func MaxRelErr(got, want []float32) float64 {
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

func shapeOf(t *tensor.Tensor) any {
	if t == nil {
		return "nothing"
	}
	return t.Shape
}
