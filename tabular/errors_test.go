package tabular

import (
	"context"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/data"
)

// mustTable parses CSV text or fails the test.
func mustTable(t *testing.T, in string) *data.Table {
	t.Helper()
	tb, err := data.ParseCSV(strings.NewReader(in), "bad.csv")
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestBadInputs(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		cfg      *Config
		want     []string
	}{
		{"empty column", "a,b\n1,\n2,\n", nil, []string{`field "b"`, "empty column"}},
		{"override does not fit", "a,b\n1,x\n2.5,y\n", &Config{Types: map[string]Kind{"a": Integer}},
			[]string{"bad.csv:3", `"row 2, column a"`, "whole number", `"2.5"`}},
		{"boolean override does not fit", "a,b\n1,x\n2,y\n", &Config{Types: map[string]Kind{"b": Boolean}},
			[]string{"bad.csv:2", `"row 1, column b"`, "true or false"}},
		{"unknown override column", "a\n1\n", &Config{Types: map[string]Kind{"z": Numeric}}, []string{`no column "z"`}},
		{"numeric target", "a,b\n1,x\n", &Config{Target: "a"}, []string{`target "a"`, "categorical"}},
		{"bad policy", "a\n1\n", &Config{Missing: "guess"}, []string{"drop, impute or model"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Infer(mustTable(t, tc.in), tc.cfg)
			if err == nil {
				t.Fatal("Infer succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestRaggedRow(t *testing.T) {
	_, err := data.ReadCSV("testdata/ragged.csv")
	if err == nil || !strings.Contains(err.Error(), "ragged.csv:4") || !strings.Contains(err.Error(), "row 3, column 3") {
		t.Errorf("error = %v, want one naming ragged.csv:4, row 3, column 3", err)
	}
}

func TestUnseenCategory(t *testing.T) {
	s, err := Infer(mustTable(t, "a,b\n1,x\n2,y\n"), &Config{Target: "b"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse(mustTable(t, "a,b\n3,x\n4,z\n"), s, nil)
	if err == nil || !strings.Contains(err.Error(), `bad.csv:3: field "row 2, column b"`) {
		t.Errorf("Parse with an unseen category: error = %v, want one naming line 3, row 2, column b", err)
	}
	f, err := Parse(mustTable(t, "a,b\n1,x\n2,y\n"), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := TrainModel(context.Background(), f, ScaleQuantile, ModelConfig{Width: 8, Layers: 1, Steps: 4}, TrainOptions{Iters: 2})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Sample(context.Background(), 3, SampleOptions{Class: "z"})
	if err == nil || !strings.Contains(err.Error(), `column "b": class "z" was not seen`) {
		t.Errorf("Sample with an unseen class: error = %v, want one naming column b and class z", err)
	}
}
