package molecule

import (
	"strconv"
	"strings"
	"testing"
)

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func TestReadSMI(t *testing.T) {
	in := "# header\nCCO\tethanol\n\nc1ccccc1 benzene ring\n  O  \n"
	got, err := ReadSMI(strings.NewReader(in), "t.smi")
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{{"CCO", "ethanol", 2}, {"c1ccccc1", "benzene ring", 4}, {"O", "", 5}}
	if len(got) != len(want) {
		t.Fatalf("ReadSMI = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	long := strings.Repeat("C", 2<<20)
	if _, err := ReadSMI(strings.NewReader(long), "big.smi"); err == nil || !strings.Contains(err.Error(), "big.smi:1") {
		t.Errorf("ReadSMI of a 2 MiB line: error %v, want one naming big.smi:1", err)
	}
}

// FuzzReadTPSA checks that ReadTPSA never panics and that what it reads
// reads again the same when written back as "smiles,tpsa" lines.
func FuzzReadTPSA(f *testing.F) {
	f.Add("# c\nCCO,20.23\nc1ccccc1,0\n")
	f.Add("CCO,abc\n")
	f.Add("a,b,c\n,1\n")
	f.Fuzz(func(t *testing.T, in string) {
		recs, err := ReadTPSA(strings.NewReader(in), "f.csv")
		if err != nil {
			return
		}
		var sb strings.Builder
		for _, r := range recs {
			sb.WriteString(r.SMILES + "," + strings.TrimSpace(formatFloat(r.TPSA)) + "\n")
		}
		again, err := ReadTPSA(strings.NewReader(sb.String()), "f2.csv")
		if err != nil || len(again) != len(recs) {
			t.Fatalf("re-reading %q: %v (%d records, want %d)", sb.String(), err, len(again), len(recs))
		}
		for i := range recs {
			if again[i].SMILES != recs[i].SMILES || again[i].TPSA != recs[i].TPSA {
				t.Fatalf("record %d: %+v read back as %+v", i, recs[i], again[i])
			}
		}
	})
}

// FuzzReadSMI checks that ReadSMI never panics, that every record has a
// SMILES without spaces, and that writing the records back as
// "smiles<TAB>name" lines reads the same.
func FuzzReadSMI(f *testing.F) {
	f.Add("CCO\tethanol\n# x\nc1ccccc1 benzene\n")
	f.Add("  \n\tC\t\n")
	f.Fuzz(func(t *testing.T, in string) {
		recs, err := ReadSMI(strings.NewReader(in), "f.smi")
		if err != nil {
			return
		}
		var sb strings.Builder
		for _, r := range recs {
			if r.SMILES == "" || strings.ContainsAny(r.SMILES, " \t\r\n") {
				t.Fatalf("record %+v: SMILES empty or with spaces", r)
			}
			sb.WriteString(r.SMILES + "\t" + r.Name + "\n")
		}
		again, err := ReadSMI(strings.NewReader(sb.String()), "f2.smi")
		if err != nil || len(again) != len(recs) {
			t.Fatalf("re-reading %q: %v (%d records, want %d)", sb.String(), err, len(again), len(recs))
		}
		for i := range recs {
			if again[i].SMILES != recs[i].SMILES || again[i].Name != recs[i].Name {
				t.Fatalf("record %d: %+v read back as %+v", i, recs[i], again[i])
			}
		}
	})
}
