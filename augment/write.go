package augment

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tabular"
	"github.com/diffusego/diffusego/tensor"
)

// Manifest records how an augmented set was made. It holds no time stamp,
// so the same settings write the same bytes.
type Manifest struct {
	Kind          string        `json:"kind"`   // "images", "table" or "text"
	Source        string        `json:"source"` // the real data: folder, fashion-mnist spec or table file
	Model         string        `json:"model"`  // checkpoint path, "shipped:…" or "trained here"
	ModelSHA256   string        `json:"model_sha256"`
	Seed          uint64        `json:"seed"`
	Guidance      float64       `json:"guidance,omitempty"`
	Sampler       string        `json:"sampler,omitempty"`
	Steps         int           `json:"steps,omitempty"`
	Request       Request       `json:"request"`
	MinConfidence float64       `json:"min_confidence,omitempty"`
	Filter        string        `json:"filter,omitempty"` // the classifier used to filter
	Target        string        `json:"target,omitempty"` // table target column
	Settings      any           `json:"settings,omitempty"`
	Classes       []ClassCounts `json:"classes"`
	RealTotal     int           `json:"real_total"`
	SynTotal      int           `json:"synthetic_total"`
}

// ClassCounts is one class's line of the manifest.
type ClassCounts struct {
	Real int `json:"real"`
	ClassReport
}

// NewCounts joins the real count of every class with its generation report.
func NewCounts(real []int, reports []ClassReport) []ClassCounts {
	out := make([]ClassCounts, len(reports))
	for c, r := range reports {
		out[c] = ClassCounts{Real: real[c], ClassReport: r}
	}
	return out
}

// MarshalJSON writes a Request with snake-case keys.
func (q Request) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		PerClass int     `json:"per_class"`
		Ratio    float64 `json:"ratio"`
		Minority bool    `json:"minority_only"`
	}{q.PerClass, q.Ratio, q.Minority})
}

// checkEmpty refuses an output that already holds files, so a run never
// mixes its files with another's.
func checkEmpty(path string, dir bool) error {
	if !dir {
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("augment: output %s exists: choose a new name", path)
		}
		return nil
	}
	entries, err := os.ReadDir(path)
	if err == nil && len(entries) > 0 {
		return fmt.Errorf("augment: output folder %s is not empty: choose a new folder", path)
	}
	return nil
}

// CheckImageOutput refuses an output folder that is not empty.
func CheckImageOutput(dir string) error { return checkEmpty(dir, true) }

// WriteImages writes the real and synthetic images into dir, one
// sub-folder per class (real files copied byte for byte when they came
// from files, written as PNG otherwise; synthetic ones as PNG with the
// model hash, seed and guidance in text chunks), labels.csv (file, class,
// source: real or synthetic) and manifest.json. dir must be empty or
// absent. The result is an image folder that diffuse train --data reads.
func WriteImages(dir string, real, syn *Images, m Manifest) error {
	if err := checkEmpty(dir, true); err != nil {
		return err
	}
	for _, c := range real.Classes {
		if err := os.MkdirAll(filepath.Join(dir, c), 0o755); err != nil {
			return fmt.Errorf("augment: %w", err)
		}
	}
	var rows [][]string
	write := func(s *Images, source string) error {
		per := s.X.Len() / max(s.X.Dim(0), 1)
		for i, y := range s.Labels {
			name := fmt.Sprintf("%s-%06d.png", source, i)
			if s.Names != nil {
				name = s.Names[i]
			}
			rel := filepath.Join(s.Classes[y], name)
			path := filepath.Join(dir, rel)
			if s.Paths != nil {
				b, err := os.ReadFile(s.Paths[i])
				if err != nil {
					return fmt.Errorf("augment: %w", err)
				}
				if err := checkpoint.WriteAtomic(path, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
					return err
				}
			} else {
				one := tensor.FromData(s.X.Data[i*per:(i+1)*per], append([]int{1}, s.X.Shape[1:]...)...)
				img, err := pngout.Grid(one, 1, 0)
				if err != nil {
					return err
				}
				meta := map[string]string{"source": source, "class": s.Classes[y]}
				if source == "synthetic" {
					meta["model_sha256"] = m.ModelSHA256
					meta["seed"] = strconv.FormatUint(m.Seed, 10)
					meta["guidance"] = fmt.Sprint(m.Guidance)
				}
				if err := pngout.WriteFile(path, img, meta); err != nil {
					return err
				}
			}
			rows = append(rows, []string{filepath.ToSlash(rel), s.Classes[y], source})
		}
		return nil
	}
	if err := write(real, "real"); err != nil {
		return err
	}
	if err := write(syn, "synthetic"); err != nil {
		return err
	}
	err := checkpoint.WriteAtomic(filepath.Join(dir, "labels.csv"), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write([]string{"file", "class", "source"}); err != nil {
			return err
		}
		if err := cw.WriteAll(rows); err != nil {
			return err
		}
		return cw.Error()
	})
	if err != nil {
		return err
	}
	m.Kind, m.RealTotal, m.SynTotal = "images", real.Len(), syn.Len()
	return writeManifest(filepath.Join(dir, "manifest.json"), m)
}

// ManifestPath is where WriteTable puts the manifest of out.csv:
// out.manifest.json.
func ManifestPath(out string) string {
	return out[:len(out)-len(filepath.Ext(out))] + ".manifest.json"
}

// WriteTable writes the real rows followed by the synthetic rows to out
// (CSV) and the
// manifest beside it (ManifestPath). The manifest's real_total says where
// the synthetic rows begin. Neither file may exist yet.
func WriteTable(out string, real, syn *tabular.Frame, m Manifest) error {
	if err := CheckTableOutput(out); err != nil {
		return err
	}
	t := real.Append(syn).Table(out)
	err := checkpoint.WriteAtomic(out, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(t.Columns); err != nil {
			return err
		}
		if err := cw.WriteAll(t.Rows); err != nil {
			return err
		}
		return cw.Error()
	})
	if err != nil {
		return err
	}
	m.Kind, m.RealTotal, m.SynTotal = "table", real.Rows(), syn.Rows()
	return writeManifest(ManifestPath(out), m)
}

// CheckTableOutput refuses an output that is not a new .csv file (or whose
// manifest exists).
func CheckTableOutput(out string) error {
	if strings.ToLower(filepath.Ext(out)) != ".csv" {
		return fmt.Errorf("augment: output %s: want a .csv file", out)
	}
	if err := checkEmpty(out, false); err != nil {
		return err
	}
	return checkEmpty(ManifestPath(out), false)
}

func writeManifest(path string, m Manifest) error {
	return checkpoint.WriteAtomic(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
}

// HashFiles is the SHA-256 (hex) of the files' bytes, one after the other.
func HashFiles(paths ...string) (string, error) {
	h := sha256.New()
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("augment: %w", err)
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
