package digits

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio"
)

func TestSplitVoicesIsDisjointAndSeeded(t *testing.T) {
	voices := Voices(Languages, Variants)
	if len(voices) != 500 {
		t.Fatalf("%d default voices, want 500", len(voices))
	}
	split, err := SplitVoices(voices, 0.1, 0.1, 1)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, v := range voices {
		count[split[v]]++
	}
	if count[Train] != 400 || count[Validation] != 50 || count[Test] != 50 {
		t.Errorf("split counts %v, want 400 train, 50 validation, 50 test", count)
	}
	again, _ := SplitVoices(voices, 0.1, 0.1, 1)
	other, _ := SplitVoices(voices, 0.1, 0.1, 2)
	if !reflect.DeepEqual(split, again) || reflect.DeepEqual(split, other) {
		t.Error("the split is not a function of the seed alone")
	}
	if _, err := SplitVoices(voices[:2], 0.1, 0.1, 1); err == nil {
		t.Error("splitting 2 voices three ways succeeded")
	}
}

func TestTrimAndFit(t *testing.T) {
	const rate = 8000
	x := make([]float64, 8000)
	for i := 3000; i < 4000; i++ { // a burst from 375 ms to 500 ms
		x[i] = math.Sin(float64(i))
	}
	y := Trim(x, rate, 40)
	// 10 ms frames of 80 samples: frames 37 (partly) to 49, ±2 frames.
	if want := (50-37)*80 + 2*160; len(y) != want {
		t.Errorf("trimmed to %d samples, want %d", len(y), want)
	}
	if got := Trim(make([]float64, 100), rate, 40); len(got) != 0 {
		t.Errorf("silence trimmed to %d samples, want 0", len(got))
	}
	short := []float64{1, 2, 3}
	f, cut := Fit(short, 7, rate)
	if cut || !reflect.DeepEqual(f, []float64{0, 0, 1, 2, 3, 0, 0}) {
		t.Errorf("Fit(short) = %v, cut %v; want it centred", f, cut)
	}
	long := make([]float64, 9000)
	for i := range long {
		long[i] = 1
	}
	f, cut = Fit(long, 8000, rate)
	if !cut || len(f) != 8000 || f[0] != 1 || f[7999] != 0 || f[7919] != 1 {
		t.Errorf("Fit(long): cut %v, len %d, ends %v %v; want the first 8000 with a 10 ms fade", cut, len(f), f[0], f[7999])
	}
}

func TestManifestRoundTripAndErrors(t *testing.T) {
	clips := []Clip{
		{File: "clips/0_en-us+m1_0.wav", Digit: 0, Voice: "en-us+m1", Pitch: 50, Speed: 175, Amplitude: 100, Split: Train},
		{File: "clips/9_de+f3_1.wav", Digit: 9, Voice: "de+f3", Pitch: 15, Speed: 250, Amplitude: 30, Split: Test, Cut: true},
	}
	path := filepath.Join(t.TempDir(), ManifestName)
	if err := WriteManifest(path, clips); err != nil {
		t.Fatal(err)
	}
	got, err := ReadManifest(path)
	if err != nil || !reflect.DeepEqual(got, clips) {
		t.Fatalf("ReadManifest = %v, %v; want %v", got, err, clips)
	}
	head := strings.Join(ManifestHeader, ",") + "\n"
	for _, tc := range []struct{ name, text, want string }{
		{"bad header", "file,digit\n", "8 CSV fields"},
		{"digit 10", head + "a.wav,10,v,50,175,100,train,false\n", `:2: field "digit"`},
		{"split", head + "a.wav,1,v,50,175,100,dev,false\n", `field "split"`},
		{"absolute", head + "/a.wav,1,v,50,175,100,train,false\n", `field "file"`},
		{"no rows", head, "at least one clip"},
	} {
		_, err := ParseManifest("m.csv", strings.NewReader(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "m.csv") {
			t.Errorf("%s: error %v, want the file and %q", tc.name, err, tc.want)
		}
	}
}

func FuzzManifest(f *testing.F) {
	f.Add(strings.Join(ManifestHeader, ",") + "\nclips/a.wav,3,en+m1,50,175,100,test,true\n")
	f.Add("file,digit\n1,2\n")
	f.Fuzz(func(t *testing.T, text string) {
		clips, err := ParseManifest("fuzz.csv", strings.NewReader(text))
		if err != nil {
			return
		}
		path := filepath.Join(t.TempDir(), "m.csv")
		if err := WriteManifest(path, clips); err != nil {
			t.Fatal(err)
		}
		back, err := ReadManifest(path)
		if err != nil || !reflect.DeepEqual(back, clips) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// TestGenerateTiny makes 3 voices × 10 digits twice (under 1 s with espeak-ng).
func TestGenerateTiny(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed (Debian package espeak-ng): skipping data set generation")
	}
	dir := t.TempDir()
	voices := []string{"en-us+m3", "en-gb+f2", "de+croak"}
	clips, err := Generate(context.Background(), Options{Dir: dir, Voices: voices, PerDigit: 1, Seed: 5, ValFraction: 0.3, TestFraction: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	if len(clips) != 30 {
		t.Fatalf("%d clips, want 30", len(clips))
	}
	read, err := ReadManifest(filepath.Join(dir, ManifestName))
	if err != nil || !reflect.DeepEqual(read, clips) {
		t.Fatalf("manifest = %v, %v; want the returned clips", read, err)
	}
	splitOf := map[string]string{}
	for _, c := range clips {
		if s, ok := splitOf[c.Voice]; ok && s != c.Split {
			t.Errorf("voice %s is in both %s and %s", c.Voice, s, c.Split)
		}
		splitOf[c.Voice] = c.Split
		a, h, err := audio.ReadFileHeader(filepath.Join(dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		if a.Rate != Rate || a.Channels() != 1 || a.Len() != Samples || h.Bits != 16 {
			t.Errorf("%s: %d Hz, %d ch, %d samples, %d bits; want 8000 Hz mono 8000 samples 16 bits", c.File, a.Rate, a.Channels(), a.Len(), h.Bits)
		}
		if r := rmsOf(a.Data[0]); r < 1e-3 {
			t.Errorf("%s: RMS %.2g, want speech", c.File, r)
		}
		s, err := audio.ParseSettings(h.Info)
		if err != nil || s["word"] != Words[c.Digit] || s["voice"] != c.Voice {
			t.Errorf("%s: settings %v, want word %q voice %q", c.File, s, Words[c.Digit], c.Voice)
		}
	}
	// The same options give the same bytes.
	again := t.TempDir()
	if _, err := Generate(context.Background(), Options{Dir: again, Voices: voices, PerDigit: 1, Seed: 5, ValFraction: 0.3, TestFraction: 0.3, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	for _, c := range clips {
		a, _ := os.ReadFile(filepath.Join(dir, c.File))
		b, _ := os.ReadFile(filepath.Join(again, c.File))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs with the same seed", c.File)
		}
	}
	x, labels, test, err := Load(dir, Test, 0)
	if err != nil {
		t.Fatal(err)
	}
	if x.Dim(0) != 10 || x.Dim(1) != 1 || x.Dim(2) != Samples || len(labels) != 10 {
		t.Errorf("Load(test): shape %v, %d labels; want (10, 1, 8000) and 10", x.Shape, len(labels))
	}
	first, _ := audio.ReadFile(filepath.Join(dir, test[0].File))
	for j := range Samples {
		if x.Data[j] != float32(first.Data[0][j]) || labels[0] != test[0].Digit {
			t.Fatalf("Load(test) row 0 differs from %s at sample %d", test[0].File, j)
		}
	}
	if _, _, _, err := Load(dir, "dev", 0); err == nil {
		t.Error("Load of an unknown split succeeded")
	}
	seen := map[string]bool{}
	for _, s := range splitOf {
		seen[s] = true
	}
	if len(seen) != 3 {
		t.Errorf("splits %v, want one voice in each of train, validation and test", splitOf)
	}
}

func rmsOf(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s / float64(len(x)))
}
