package checkpoint

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// List returns the checkpoints of a run folder (ckpt-NNNNNN.safetensors),
// oldest first: the zero-padded step numbers sort in time order.
func List(dir string) ([]string, error) {
	list, err := filepath.Glob(filepath.Join(dir, "ckpt-*.safetensors"))
	if err != nil {
		return nil, err
	}
	slices.Sort(list)
	return list, nil
}

// Prune deletes all but the newest keep checkpoints of dir, each with the
// JSON record beside it (ckpt-NNNNNN.json) when there is one; keep ≤ 0
// keeps all.
func Prune(dir string, keep int) error {
	if keep <= 0 {
		return nil
	}
	list, err := List(dir)
	if err != nil {
		return err
	}
	for _, old := range list[:max(0, len(list)-keep)] {
		if err := os.Remove(old); err != nil {
			return err
		}
		if err := os.Remove(strings.TrimSuffix(old, ".safetensors") + ".json"); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}
