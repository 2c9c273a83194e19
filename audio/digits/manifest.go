package digits

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/data"
)

// Clip is one row of the manifest.
type Clip struct {
	File      string // path relative to the manifest's directory
	Digit     int    // 0–9
	Voice     string // espeak-ng voice, language+variant
	Pitch     int    // espeak-ng -p, 0–99
	Speed     int    // espeak-ng -s, words per minute
	Amplitude int    // espeak-ng -a
	Split     string // Train, Validation or Test
	Cut       bool   // the trimmed utterance was longer than 1 s and was cut
}

// ManifestHeader is the manifest's first line.
var ManifestHeader = []string{"file", "digit", "voice", "pitch", "speed", "amplitude", "split", "cut"}

// ManifestName is the manifest's file name inside the data set directory.
const ManifestName = "manifest.csv"

// Select returns the clips of one split, in manifest order.
func Select(clips []Clip, split string) []Clip {
	var out []Clip
	for _, c := range clips {
		if c.Split == split {
			out = append(out, c)
		}
	}
	return out
}

// WriteManifest writes clips to path as CSV, atomically.
func WriteManifest(path string, clips []Clip) error {
	return checkpoint.WriteAtomic(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(ManifestHeader)
		for _, c := range clips {
			cw.Write([]string{c.File, strconv.Itoa(c.Digit), c.Voice, strconv.Itoa(c.Pitch), strconv.Itoa(c.Speed),
				strconv.Itoa(c.Amplitude), c.Split, strconv.FormatBool(c.Cut)})
		}
		cw.Flush()
		return cw.Error()
	})
}

// ReadManifest reads a manifest written by WriteManifest. Errors are
// *data.ParseError values naming the file, line and field.
func ReadManifest(path string) ([]Clip, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("digits: %w", err)
	}
	defer f.Close()
	return ParseManifest(path, f)
}

// ParseManifest reads manifest CSV from r; name is used in errors.
func ParseManifest(name string, r io.Reader) ([]Clip, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(ManifestHeader)
	var clips []Clip
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &data.ParseError{File: name, Line: pe.Line, Field: "record", Want: fmt.Sprintf("%d CSV fields", len(ManifestHeader)), Got: pe.Err.Error()}
			}
			return nil, fmt.Errorf("digits: %s: %w", name, err)
		}
		if line == 1 {
			for i, h := range ManifestHeader {
				if rec[i] != h {
					return nil, &data.ParseError{File: name, Line: 1, Field: "header", Want: fmt.Sprintf("column %d %q", i+1, h), Got: fmt.Sprintf("%q", rec[i])}
				}
			}
			continue
		}
		bad := func(field, want, got string) error {
			return &data.ParseError{File: name, Line: line, Field: field, Want: want, Got: fmt.Sprintf("%q", got)}
		}
		c := Clip{File: rec[0], Voice: rec[2], Split: rec[6]}
		if c.File == "" || filepath.IsAbs(c.File) {
			return nil, bad("file", "a relative path", rec[0])
		}
		ints := []struct {
			field  string
			dst    *int
			lo, hi int
		}{{"digit", &c.Digit, 0, 9}, {"pitch", &c.Pitch, 0, 99}, {"speed", &c.Speed, 1, 1000}, {"amplitude", &c.Amplitude, 0, 200}}
		for i, f := range ints {
			v, err := strconv.Atoi(rec[[]int{1, 3, 4, 5}[i]])
			if err != nil || v < f.lo || v > f.hi {
				return nil, bad(f.field, fmt.Sprintf("an integer in [%d, %d]", f.lo, f.hi), rec[[]int{1, 3, 4, 5}[i]])
			}
			*f.dst = v
		}
		if c.Voice == "" {
			return nil, bad("voice", "an espeak-ng voice", rec[2])
		}
		if c.Split != Train && c.Split != Validation && c.Split != Test {
			return nil, bad("split", "train, validation or test", rec[6])
		}
		if c.Cut, err = strconv.ParseBool(rec[7]); err != nil {
			return nil, bad("cut", "true or false", rec[7])
		}
		clips = append(clips, c)
	}
	if len(clips) == 0 {
		return nil, &data.ParseError{File: name, Line: 1, Field: "header", Want: "a header and at least one clip", Got: "none"}
	}
	return clips, nil
}
