package optim

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// State is what an optimiser or EMA needs to resume exactly: named tensors
// (moment estimates, momentum buffers, shadow weights) and named scalars
// (step counts, the learning rate), kept in float64 so counts and rates
// survive bit for bit.
type State struct {
	Tensors map[string]*tensor.Tensor
	Scalars map[string]float64
}

// NewState returns an empty State.
func NewState() *State {
	return &State{Tensors: map[string]*tensor.Tensor{}, Scalars: map[string]float64{}}
}

// Metadata encodes the scalars as strings (shortest form that parses back
// to the same float64) for a safetensors header.
func (s *State) Metadata() map[string]string {
	m := make(map[string]string, len(s.Scalars))
	for k, v := range s.Scalars {
		m[k] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return m
}

// ParseScalars reads back the entries of meta whose keys start with prefix
// (for example "adam." or "ema.") as float64 scalars, as Metadata wrote
// them. Other entries are ignored.
func ParseScalars(meta map[string]string, prefix string) (map[string]float64, error) {
	out := map[string]float64{}
	for _, k := range slices.Sorted(maps.Keys(meta)) {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		v, err := strconv.ParseFloat(meta[k], 64)
		if err != nil {
			return nil, fmt.Errorf("optim: state scalar %q: want a number, got %q", k, meta[k])
		}
		out[k] = v
	}
	return out, nil
}

// stateCheck collects what a State holds against what an optimiser
// expects, so that LoadState can report every problem at once.
type stateCheck struct {
	kind     string
	s        *State
	used     map[string]bool
	problems []string
}

func newStateCheck(kind string, s *State, params []*nn.Param) *stateCheck {
	c := &stateCheck{kind: kind, s: s, used: map[string]bool{}}
	if s == nil {
		c.problems = append(c.problems, "state is nil")
		c.s = NewState()
	}
	if _, err := nn.ByName(params); err != nil {
		c.problems = append(c.problems, err.Error())
	}
	return c
}

// tensor returns the tensor named name if it is present and has shape;
// ok is false when it is absent. A shape mismatch is recorded.
func (c *stateCheck) tensor(name string, shape []int) (t *tensor.Tensor, ok bool) {
	t, ok = c.s.Tensors[name]
	if !ok {
		return nil, false
	}
	c.used[name] = true
	if t == nil || !tensor.SameShape(t.Shape, shape) || len(t.Data) != tensor.Numel(shape) {
		got := "nil"
		if t != nil {
			got = tensor.FormatShape(t.Shape)
		}
		c.problems = append(c.problems, fmt.Sprintf("tensor %q has shape %s, want %s", name, got, tensor.FormatShape(shape)))
		return nil, true
	}
	return t, true
}

// scalar returns the scalar named name; ok is false when it is absent.
func (c *stateCheck) scalar(name string) (v float64, ok bool) {
	v, ok = c.s.Scalars[name]
	if ok {
		c.used[name] = true
	}
	return v, ok
}

// problemf records a problem.
func (c *stateCheck) problemf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// err reports every problem, and every entry nothing asked for, in one
// error; nil when the state fits.
func (c *stateCheck) err() error {
	for _, k := range slices.Sorted(maps.Keys(c.s.Tensors)) {
		if !c.used[k] {
			c.problems = append(c.problems, fmt.Sprintf("unexpected tensor %q", k))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(c.s.Scalars)) {
		if !c.used[k] {
			c.problems = append(c.problems, fmt.Sprintf("unexpected scalar %q", k))
		}
	}
	if len(c.problems) == 0 {
		return nil
	}
	return fmt.Errorf("optim: load %s state: %s", c.kind, strings.Join(c.problems, "; "))
}

// count reads a non-negative whole step count.
func (c *stateCheck) count(name string) (int, bool) {
	v, ok := c.scalar(name)
	if !ok {
		return 0, false
	}
	if v < 0 || v != float64(int(v)) {
		c.problemf("scalar %q = %v, want a whole number ≥ 0", name, v)
		return 0, true
	}
	return int(v), true
}

// cloneOrNil deep-copies t, keeping nil.
func cloneOrNil(t *tensor.Tensor) *tensor.Tensor {
	if t == nil {
		return nil
	}
	return t.Clone()
}
