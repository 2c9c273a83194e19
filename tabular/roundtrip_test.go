package tabular

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/data"
)

// load reads a test data set and its config and types it (no policy applied).
func load(t testing.TB, name string, cfg *Config) (*data.Table, *Frame) {
	t.Helper()
	path := filepath.Join("testdata", name)
	var tb *data.Table
	var err error
	if strings.HasSuffix(name, ".json") {
		tb, err = data.ReadJSONRows(path)
	} else {
		tb, err = data.ReadCSV(path)
	}
	if err != nil {
		t.Fatal(err)
	}
	s, err := Infer(tb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(tb, s, cfg.NA)
	if err != nil {
		t.Fatal(err)
	}
	return tb, f
}

func TestInferTypes(t *testing.T) {
	_, f := load(t, "penguins.json", &Config{NA: []string{"."}})
	want := map[string]Kind{"Species": Categorical, "Island": Categorical, "Beak Length (mm)": Numeric,
		"Flipper Length (mm)": Integer, "Body Mass (g)": Integer, "Sex": Categorical}
	for _, c := range f.Schema.Columns {
		if k, ok := want[c.Name]; ok && c.Kind != k {
			t.Errorf("column %q: type %s, want %s", c.Name, c.Kind, k)
		}
	}
	sex := f.Schema.Columns[f.Schema.Index("Sex")]
	if !sex.Missing || !reflect.DeepEqual(sex.Categories, []string{"FEMALE", "MALE"}) {
		t.Errorf("Sex: missing %v, categories %q; want missing and [FEMALE MALE] (\".\" read as missing)", sex.Missing, sex.Categories)
	}
	if c := f.Schema.Columns[f.Schema.Index("Beak Length (mm)")]; c.Decimals != 1 {
		t.Errorf("Beak Length: %d decimals, want 1", c.Decimals)
	}
	tb, err := data.ParseCSV(strings.NewReader("flag,n\ntrue,1\nno,0\n"), "b.csv")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Infer(tb, &Config{Types: map[string]Kind{"n": Boolean}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Columns[0].Kind != Boolean || s.Columns[1].Kind != Boolean {
		t.Errorf("types %s, %s; want boolean (inferred), boolean (override)", s.Columns[0].Kind, s.Columns[1].Kind)
	}
}

// TestRoundTrip: load → transform → inverse transform → text gives back
// every cell of the file: values, types, categories and missing cells.
func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		file string
		cfg  *Config
	}{
		{"penguins.json", &Config{}},
		{"cars.json", &Config{Drop: []string{"Name"}}},
		{"wine.csv", &Config{Target: "class"}},
		{"breast_cancer.csv", &Config{}},
	} {
		for _, scaling := range []string{ScaleQuantile, ScaleStandard} {
			t.Run(tc.file+"/"+scaling, func(t *testing.T) {
				tb, f := load(t, tc.file, tc.cfg)
				tr, err := Fit(f, scaling)
				if err != nil {
					t.Fatal(err)
				}
				back, err := tr.Decode(tr.Encode(f))
				if err != nil {
					t.Fatal(err)
				}
				out := back.Table("back")
				missing := 0
				for i := range tb.Rows {
					for j, name := range out.Columns {
						src := tb.Column(name)
						got, want := out.Rows[i][j], tb.Rows[i][src]
						if out.Missing[i][j] != tb.Missing[i][src] || (!out.Missing[i][j] && got != want) {
							t.Fatalf("row %d, column %q: got %q (missing %v), want %q (missing %v)",
								i+1, name, got, out.Missing[i][j], want, tb.Missing[i][src])
						}
						if out.Missing[i][j] {
							missing++
						}
					}
				}
				if strings.HasPrefix(tc.file, "penguins") && missing == 0 {
					t.Error("no missing cells in penguins: the test would not cover them")
				}
			})
		}
	}
}
