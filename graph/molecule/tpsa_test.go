package molecule

import (
	"errors"
	"strings"
	"testing"
)

func TestReadTPSA(t *testing.T) {
	in := "# comment\nCCO,20.23\n\nc1ccccc1,0\r\n"
	got, err := ReadTPSA(strings.NewReader(in), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []TPSA{{"CCO", 20.23, 2}, {"c1ccccc1", 0, 4}}
	if len(got) != len(want) {
		t.Fatalf("ReadTPSA = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReadTPSAErrors(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		field    string
	}{
		{"one field", "CCO\n", 1, "line"},
		{"three fields", "CCO,1,2\n", 1, "line"},
		{"empty smiles", "#x\n,12\n", 2, "smiles"},
		{"not a number", "CCO,abc\n", 1, "tpsa"},
		{"negative", "CCO,-1\n", 1, "tpsa"},
		{"nan", "CCO,NaN\n", 1, "tpsa"},
	}
	for _, tc := range tests {
		_, err := ReadTPSA(strings.NewReader(tc.in), "t.csv")
		var te *TPSAError
		if !errors.As(err, &te) || te.Line != tc.line || te.Field != tc.field || te.File != "t.csv" {
			t.Errorf("%s: ReadTPSA error %v, want line %d field %q", tc.name, err, tc.line, tc.field)
		}
	}
}
