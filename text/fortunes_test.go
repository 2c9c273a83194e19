package text

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestCleanFortune(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text\n\tindented", "plain text\n\tindented"},
		{"_\bw_\bo_\br_\bd", "word"},
		{"w\b_o\b_", "wo"},
		{"B\bBo\bol\bld\bd", "Bold"},
		{"It's a *__\b\bUN*lucky week", "It's a *UN*lucky week"},
		{"\b\bstart", "start"},
		{"bell\a here", "bell here"},
		{"line one\b\b\b   \nline two", "line\nline two"},
	} {
		if got := CleanFortune(tc.in); got != tc.want {
			t.Errorf("CleanFortune(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLoadFortunesDir(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"alpha":       "one\n%\ntwo\nlines\n%\n",
		"alpha.dat":   "\x00\x00binary index",
		"alpha.u8":    "one\n%\n",
		"beta":        "_\bthree\n%\n\a\n%\n",
		"ethnic":      "excluded\n%\n",
		".hidden":     "hidden\n",
		"sub/gamma":   "in a sub-folder\n",
		"drugs":       "excluded\n",
		"men-women":   "excluded\n",
		"ascii-art":   "excluded\n",
		"zeta":        "last\n%\n  one\n",
		"sub/another": "x\n",
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	docs, err := LoadFortunes(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.Source+":"+d.Text)
	}
	want := []string{"alpha:one", "alpha:two\nlines", "beta:three", "zeta:last"}
	if !slices.Equal(got, want) {
		t.Errorf("LoadFortunes = %q, want %q", got, want)
	}
}

func TestLoadFortunesErrors(t *testing.T) {
	empty := t.TempDir()
	if _, err := LoadFortunes(empty); err == nil || !strings.Contains(err.Error(), "apt-get install fortunes") {
		t.Errorf("empty folder: error %v, want one naming the package", err)
	}
	if _, err := LoadFortunes(filepath.Join(empty, "missing")); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing folder: error %v, want one naming it", err)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "ok"), []byte("fine\n"), 0o644)
	os.WriteFile(filepath.Join(bad, "broken"), []byte("fine\n%\nnot \xfe utf-8\n"), 0o644)
	_, err := LoadFortunes(bad)
	if err == nil || !strings.Contains(err.Error(), "broken:3: invalid UTF-8: byte 0xfe") {
		t.Errorf("bad file: error %v, want one naming broken:3 and the byte", err)
	}
}

// TestLoadFortunesDebian reads the installed collection (packages fortunes
// and fortunes-min) and checks what LoadFortunes promises about it.
func TestLoadFortunesDebian(t *testing.T) {
	if _, err := os.Stat(filepath.Join(FortunesDir, "fortunes")); err != nil {
		t.Skipf("no %s/fortunes: apt-get install fortunes fortunes-min", FortunesDir)
	}
	docs, err := LoadFortunes(FortunesDir)
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]int{}
	for _, d := range docs {
		sources[d.Source]++
		if strings.ContainsFunc(d.Text, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
			t.Fatalf("%s:%d: control character left in %q", d.Source, d.Line, d.Text)
		}
	}
	for _, ex := range FortunesExcluded {
		if sources[ex] > 0 {
			t.Errorf("%d documents from excluded file %s", sources[ex], ex)
		}
	}
	if sources["fortunes"] < 100 || len(docs) < 5000 {
		t.Errorf("%d documents, %d from fortunes: want the whole collection", len(docs), sources["fortunes"])
	}
}
