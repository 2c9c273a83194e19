package molgen

import (
	"encoding/json"
	"fmt"
	"image"
	"io"
	"strings"

	"github.com/diffusego/diffusego/graph/molecule"
)

// Checkpoint header entries of molecule models: the atom types of the
// node categories (a JSON list of names such as "N+") and the graph-level
// condition ("rings" or "none").
const (
	MetaVocab     = "molgen.vocab"
	MetaCondition = "molgen.condition"
)

// VocabFromMeta reads the vocabulary of a molecule model from its
// checkpoint header (file names it in errors); ok is false for models of
// other graphs.
func VocabFromMeta(meta map[string]string, file string) (v Vocab, ok bool, err error) {
	raw, ok := meta[MetaVocab]
	if !ok {
		return Vocab{}, false, nil
	}
	var names []string
	if err := json.Unmarshal([]byte(raw), &names); err != nil {
		return Vocab{}, true, fmt.Errorf("checkpoint %s: %q: want a JSON list of atom types: %w", file, MetaVocab, err)
	}
	v, err = ParseVocab(names)
	if err != nil {
		return Vocab{}, true, fmt.Errorf("checkpoint %s: %q: %w", file, MetaVocab, err)
	}
	return v, true, nil
}

// WriteSMILES writes ms as a SMILES file: each valid molecule's canonical
// SMILES and its name (s000, s001 …); an invalid one as a comment line
// that names it and says why, since it has no SMILES. It returns how many
// were valid.
func WriteSMILES(w io.Writer, ms []*molecule.Molecule) (valid int, err error) {
	var sb strings.Builder
	for i, m := range ms {
		if verr := m.Valid(); verr != nil {
			fmt.Fprintf(&sb, "# s%03d invalid: %v\n", i, verr)
			continue
		}
		s, err := m.Canonical()
		if err != nil {
			return 0, fmt.Errorf("sample %d: %w", i, err)
		}
		valid++
		fmt.Fprintf(&sb, "%s\ts%03d\n", s, i)
	}
	_, err = io.WriteString(w, sb.String())
	return valid, err
}

// Grid draws the first 16 molecules of ms in a 4-column grid of 200-pixel
// cells.
func Grid(ms []*molecule.Molecule) (image.Image, error) {
	return molecule.DepictGrid(ms[:min(len(ms), 16)], 4, 200)
}
