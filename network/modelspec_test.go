package network

import (
	"errors"
	"strings"
	"testing"
)

func TestModelSpec(t *testing.T) {
	for _, c := range []struct {
		spec ModelSpec
		want Model
	}{
		{ModelSpec{Name: "SIR", Beta: 0.3, Gamma: 0.1}, SIR{Beta: 0.3, Gamma: 0.1}},
		{ModelSpec{Name: "sis", Beta: 0.2, Gamma: 0.5}, SIS{Beta: 0.2, Gamma: 0.5}},
		{ModelSpec{Name: "ic", P: 0.1, Weighted: true}, IC{P: 0.1, Weighted: true}},
		{ModelSpec{Name: "Lt"}, LT{}},
	} {
		got, err := c.spec.Model()
		if err != nil || got != c.want {
			t.Errorf("%+v: %v, %v; want %v", c.spec, got, err, c.want)
		}
	}
	_, err := ModelSpec{Name: "seir"}.Model()
	var unknown *UnknownModelError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), `"seir"`) {
		t.Errorf("unknown model: %v, want an UnknownModelError naming it", err)
	}
	if _, err := (ModelSpec{Name: "sir", Beta: 1.5, Gamma: 0.1}).Model(); err == nil || !strings.HasPrefix(err.Error(), "beta") || errors.As(err, &unknown) {
		t.Errorf("β = 1.5: %v, want an error naming beta", err)
	}
}
