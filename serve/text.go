package serve

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/text"
)

// TextParams are the parameters of the text kinds, as `diffuse text
// sample`'s flags: text_sample draws texts, text_complete continues
// Prompt, text_infill fills every Gap marker of Infill. Only the fields of
// the job's kind may be given.
type TextParams struct {
	N           int     `json:"n"`
	Steps       int     `json:"steps"`
	Seed        uint64  `json:"seed"`
	Temperature float64 `json:"temperature"`
	TopP        float64 `json:"top_p"`
	Prompt      string  `json:"prompt,omitempty"`     // text_complete: held fixed at the start
	Length      int     `json:"length,omitempty"`     // text_complete: most characters after the prompt (0: fill the context)
	Infill      string  `json:"infill,omitempty"`     // text_infill: the template
	Gap         string  `json:"gap,omitempty"`        // text_infill: the gap marker (default ____)
	GapLength   int     `json:"gap_length,omitempty"` // text_infill: characters per gap (0: the marker's length)

	kind string
}

func newTextParams(kind string) *TextParams {
	p := &TextParams{N: 4, Steps: 128, Seed: 1, Temperature: 1, TopP: 1, kind: kind}
	if kind == "text_infill" {
		p.Gap = "____"
	}
	return p
}

// request is the library request of the job (text.Generate).
func (p *TextParams) request() text.Request {
	return text.Request{N: p.N, Steps: p.Steps, Seed: p.Seed, Temperature: p.Temperature, TopP: p.TopP,
		Prompt: p.Prompt, Length: p.Length, Infill: p.Infill, Gap: p.Gap, GapLength: p.GapLength}
}

func (p *TextParams) check(m *Model, _ map[string][]byte, lim Limits) *APIError {
	if e := firstErr(rangeInt("params.n", p.N, 1, lim.MaxImages), rangeInt("params.steps", p.Steps, 1, 1000),
		rangeFloat("params.temperature", p.Temperature, 0.01, 10), rangeFloat("params.top_p", p.TopP, 0, 1),
		rangeInt("params.length", p.Length, 0, 100000), rangeInt("params.gap_length", p.GapLength, 0, 10000)); e != nil {
		return e
	}
	// A field of another text kind is refused rather than ignored.
	other := map[string]bool{"params.prompt": p.Prompt != "", "params.length": p.Length != 0,
		"params.infill": p.Infill != "", "params.gap": p.Gap != "", "params.gap_length": p.GapLength != 0}
	own := map[string][]string{"text_sample": nil, "text_complete": {"params.prompt", "params.length"},
		"text_infill": {"params.infill", "params.gap", "params.gap_length"}}[p.kind]
	for _, f := range []string{"params.prompt", "params.length", "params.infill", "params.gap", "params.gap_length"} {
		if other[f] && !slices.Contains(own, f) {
			return badField(f, CodeInvalid, "%s jobs take no %s (text_complete takes prompt and length, text_infill takes infill, gap and gap_length)", p.kind, strings.TrimPrefix(f, "params."))
		}
	}
	mdl := m.Text
	if mdl.Config.Objective == text.Autoregressive && p.kind != "text_sample" {
		return badField("model", CodeInvalid, "model %q is autoregressive: %s jobs need an MDLM model", m.Name, p.kind)
	}
	switch p.kind {
	case "text_complete":
		if p.Prompt == "" {
			return badField("params.prompt", CodeInvalid, "want the text to complete, got nothing")
		}
		if _, err := mdl.Vocab.Encode(p.Prompt); err != nil {
			return badField("params.prompt", CodeInvalid, "%v", err)
		}
	case "text_infill":
		if p.Infill == "" {
			return badField("params.infill", CodeInvalid, "want a template with gap markers %q, got nothing", p.Gap)
		}
		if p.Gap == "" {
			return badField("params.gap", CodeInvalid, "want a non-empty gap marker")
		}
		if !strings.Contains(p.Infill, p.Gap) {
			return badField("params.infill", CodeInvalid, "the gap marker %q (params.gap) does not occur in the template", p.Gap)
		}
		for i, part := range strings.Split(p.Infill, p.Gap) {
			if _, err := mdl.Vocab.Encode(part); err != nil {
				return badField("params.infill", CodeInvalid, "part %d of the template: %v", i+1, err)
			}
		}
	}
	if mdl.Config.Objective == text.Autoregressive {
		return nil
	}
	if err := text.CheckRequest(mdl, p.request()); err != nil {
		return badField(textField(p.kind, err), CodeInvalid, "%v", err)
	}
	return nil
}

// textField names the parameter a text.RequestError is about: the first
// flag its message names.
func textField(kind string, err error) string {
	msg := err.Error()
	field, at := "", len(msg)+1
	for _, f := range []struct{ flag, field string }{{"--gap-length", "params.gap_length"}, {"--gap", "params.gap"},
		{"--length", "params.length"}, {"--infill", "params.infill"}, {"--prompt", "params.prompt"},
		{"steps", "params.steps"}, {"top-p", "params.top_p"}, {"temperature", "params.temperature"}} {
		if i := strings.Index(msg, f.flag); i >= 0 && i < at {
			field, at = f.field, i
		}
	}
	switch {
	case field != "":
		return field
	case kind == "text_infill":
		return "params.infill"
	}
	return "params"
}

func (p *TextParams) run(e *runEnv) error {
	m := e.model.Text
	req := p.request()
	var texts []string
	if m.Config.Objective == text.Autoregressive {
		e.progress(0, 1)
		var err error
		if texts, err = text.SampleAutoregressive(e.ctx, m, p.N, p.Seed, p.Temperature, 0); err != nil {
			return err
		}
		e.progress(1, 1)
	} else {
		const batch = 16 // text.Request's default batch
		per := text.StepsPerBatch(m, req)
		total := per * ((p.N + batch - 1) / batch)
		gen, err := text.Generate(e.ctx, m, req, func(b, step, _ int) { e.progress(b*per+step, total) })
		if err != nil {
			var re *text.RequestError
			if errors.As(err, &re) {
				return fmt.Errorf("%s: %w", textField(p.kind, err), err)
			}
			return err
		}
		texts = gen.Texts
	}
	meta := map[string]string{"kind": p.kind, "model": e.model.Source, "checkpoint_sha256": e.model.Hash, "n": strconv.Itoa(p.N),
		"steps": strconv.Itoa(p.Steps), "seed": strconv.FormatUint(p.Seed, 10), "temperature": fmt.Sprint(p.Temperature), "top_p": fmt.Sprint(p.TopP)}
	for _, f := range []struct{ format, name string }{{text.OutputLines, "texts.txt"}, {text.OutputJSONL, "texts.jsonl"}} {
		var b bytes.Buffer
		if err := text.WriteTexts(&b, texts, f.format, req, e.model.Source); err != nil {
			return err
		}
		if err := e.write(f.name, meta, func(w io.Writer) error { _, err := w.Write(b.Bytes()); return err }); err != nil {
			return err
		}
	}
	return nil
}
