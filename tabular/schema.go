package tabular

import (
	"encoding/json"
	"fmt"
)

// Kind is the type of a column.
type Kind int

// The column kinds. Numeric columns hold real numbers, Integer columns whole
// numbers (sampled values are rounded), Categorical and Boolean columns one of
// a fixed set of values seen in the data.
const (
	Numeric Kind = iota
	Integer
	Categorical
	Boolean
)

var kindNames = []string{"numeric", "integer", "categorical", "boolean"}

// String returns the config name of k: "numeric", "integer", "categorical" or
// "boolean".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind returns the Kind named s.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown column type %q (want numeric, integer, categorical or boolean)", s)
}

// MarshalJSON writes k by name.
func (k Kind) MarshalJSON() ([]byte, error) { return json.Marshal(k.String()) }

// UnmarshalJSON reads k by name.
func (k *Kind) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseKind(s)
	*k = v
	return err
}

// Discrete reports whether columns of kind k take values from a set.
func (k Kind) Discrete() bool { return k == Categorical || k == Boolean }

// Missing policies: what to do with missing cells.
const (
	MissingDrop   = "drop"   // drop every row with a missing cell
	MissingImpute = "impute" // fill with the column mean (numbers) or mode (categories)
	MissingModel  = "model"  // keep them: a mask for numbers, a category for categories
)

// Column describes one column of a table.
type Column struct {
	Name       string   `json:"name"`
	Kind       Kind     `json:"type"`
	Categories []string `json:"categories,omitempty"` // the values seen, sorted; discrete kinds only
	Decimals   int      `json:"decimals,omitempty"`   // most digits after the point seen; Numeric only
	Missing    bool     `json:"missing,omitempty"`    // the column has missing cells, modelled
}

// Schema is the typed layout of a table: its columns in order, the missing
// policy and the optional target column (a discrete column that conditions the
// model and is predicted in the ML-efficacy test).
type Schema struct {
	Columns []Column `json:"columns"`
	Policy  string   `json:"missing_policy"`
	Target  string   `json:"target,omitempty"`
}

// Index returns the position of the column named name, or −1.
func (s *Schema) Index(name string) int {
	for j, c := range s.Columns {
		if c.Name == name {
			return j
		}
	}
	return -1
}

// Config overrides what Infer would decide. It is read from JSON with
// unknown keys refused:
//
//	{"types": {"Cylinders": "categorical"}, "drop": ["Name"],
//	 "missing": "model", "na": ["."], "target": "Species"}
type Config struct {
	Types   map[string]Kind `json:"types,omitempty"`   // column name → type
	Drop    []string        `json:"drop,omitempty"`    // columns to leave out
	Missing string          `json:"missing,omitempty"` // drop, impute or model (default model)
	NA      []string        `json:"na,omitempty"`      // extra cell texts that mean missing
	Target  string          `json:"target,omitempty"`  // discrete column to condition on
}
