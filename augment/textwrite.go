package augment

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/diffusego/diffusego/checkpoint"
)

// CheckTextOutput refuses an output folder that is not empty.
func CheckTextOutput(dir string) error { return checkEmpty(dir, true) }

// textLabel is one line of labels.jsonl.
type textLabel struct {
	Class  string `json:"class"`
	Source string `json:"source"` // real or synthetic
	Text   string `json:"text"`
}

// WriteTexts writes the real and synthetic texts into dir: CLASS.json per
// class (a JSON array of the class's real texts, then its synthetic ones;
// the folder is labelled text that LoadTexts reads back), labels.jsonl (one
// JSON object per text: class, source real or synthetic, text) and
// manifest.json. dir must be empty or absent; a class name that cannot be
// a file name is refused.
func WriteTexts(dir string, real, syn *Texts, m Manifest) error {
	if err := checkEmpty(dir, true); err != nil {
		return err
	}
	for _, c := range real.Classes {
		if c == "" || c == "." || c == ".." || strings.ContainsAny(c, `/\`) || c == "manifest" || c == "labels" {
			return fmt.Errorf("augment: class %q cannot name a file in %s", c, dir)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("augment: %w", err)
	}
	per := make([][]string, len(real.Classes))
	var labels []textLabel
	for _, part := range []struct {
		t      *Texts
		source string
	}{{real, "real"}, {syn, "synthetic"}} {
		for i, s := range part.t.Texts {
			c := part.t.Labels[i]
			per[c] = append(per[c], s)
			labels = append(labels, textLabel{Class: real.Classes[c], Source: part.source, Text: s})
		}
	}
	for c, name := range real.Classes {
		texts := per[c]
		if texts == nil {
			texts = []string{}
		}
		err := checkpoint.WriteAtomic(filepath.Join(dir, name+".json"), func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", " ")
			return enc.Encode(texts)
		})
		if err != nil {
			return err
		}
	}
	err := checkpoint.WriteAtomic(filepath.Join(dir, "labels.jsonl"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		for _, l := range labels {
			if err := enc.Encode(l); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	m.Kind, m.RealTotal, m.SynTotal = "text", real.Len(), syn.Len()
	return writeManifest(filepath.Join(dir, "manifest.json"), m)
}
