package checkpoint

import (
	"encoding/json"
	"fmt"
)

// MetaJSON returns the header entry key holding v as JSON, for the
// metadata of SaveParams or WriteSafetensors (safetensors metadata values
// are strings). It fails, with an error naming key, when v has no JSON
// form: a NaN or infinite float, a channel or function, a value whose
// MarshalJSON fails.
func MetaJSON(key string, v any) (map[string]string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: metadata %q: %w", key, err)
	}
	return map[string]string{key: string(b)}, nil
}

// ReadMetaJSON decodes the header entry key of the checkpoint named name
// into v and validates it. found is false, and v untouched, when the header
// has no such entry; a malformed or invalid entry is an error naming the
// checkpoint and the key.
func ReadMetaJSON(meta map[string]string, key, name string, v interface{ Validate() error }) (found bool, err error) {
	raw, ok := meta[key]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return true, fmt.Errorf("checkpoint %s: header %q: %w", name, key, err)
	}
	if err := v.Validate(); err != nil {
		return true, fmt.Errorf("checkpoint %s: header %q: %w", name, key, err)
	}
	return true, nil
}
