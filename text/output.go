package text

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Output formats of WriteTexts.
const (
	OutputLines = "lines" // one text per line, newlines as \n and backslashes as \\
	OutputJSONL = "jsonl" // one JSON object per text with its settings
)

// EscapeLine writes s on one line: backslash as \\ and newline as \n.
func EscapeLine(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}

// WriteTexts writes texts generated for req by the model named source in
// format (OutputLines or OutputJSONL). A JSON line holds the text, its
// index, the model and the settings that made it (prompt, infill and gap,
// length only when given).
func WriteTexts(w io.Writer, texts []string, format string, req Request, source string) error {
	if format != OutputLines && format != OutputJSONL {
		return fmt.Errorf("text: format %q: want %s or %s", format, OutputLines, OutputJSONL)
	}
	for i, t := range texts {
		if format == OutputLines {
			if _, err := fmt.Fprintln(w, EscapeLine(t)); err != nil {
				return err
			}
			continue
		}
		rec := map[string]any{"index": i, "text": t, "model": source, "seed": req.Seed, "steps": req.Steps,
			"temperature": req.Temperature, "top_p": req.TopP}
		if req.Prompt != "" {
			rec["prompt"] = req.Prompt
		}
		if req.Infill != "" {
			rec["infill"], rec["gap"] = req.Infill, req.Gap
		}
		if req.Length != 0 {
			rec["length"] = req.Length
		}
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "%s\n", b); err != nil {
			return err
		}
	}
	return nil
}
