package text

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/diffusego/diffusego/diffusion/masked"
	"github.com/diffusego/diffusego/tensor"
)

// Request says what to generate with an MDLM model.
type Request struct {
	N           int     // texts to generate
	Steps       int     // denoising steps per window
	Seed        uint64  // the same seed gives the same texts
	Temperature float64 // divides the logits; 0 means 1
	TopP        float64 // nucleus sampling; 0 or 1 keeps every token
	Batch       int     // sequences per network batch; 0 means 16

	// Prompt is held fixed at the start of every text (completion).
	Prompt string
	// Length is the most characters generated after the prompt. 0 fills
	// the context window. Longer than the window, the text is generated
	// in semi-autoregressive blocks of half a window, each conditioned on
	// the half window before it (masked.Sampler.GenerateLong). The model
	// may end the document sooner: a text stops at its first end marker.
	Length int

	// Infill, when not empty, is a template in which every occurrence of
	// Gap is a gap to fill and everything else is held fixed. Each gap is
	// GapLength characters, or as many as Gap has when GapLength is 0.
	// It cannot be combined with Prompt or Length.
	Infill    string
	Gap       string
	GapLength int
}

// RequestError is a Request that cannot be carried out as asked (an
// argument out of range, characters outside the vocabulary, a template
// that does not fit the context); its message names the argument.
type RequestError struct{ Err error }

func (e *RequestError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *RequestError) Unwrap() error { return e.Err }

// Generation is what Generate returns.
type Generation struct {
	Texts []string
	Calls int // network calls
	Rows  int // sequences the network evaluated, summed over calls
	Chars int // characters generated (prompts and held-fixed text excluded)
}

// Progress, when not nil, is told after every step of every batch: the
// batch, the step within it and how many steps a batch takes.
type Progress func(batch, step, steps int)

// Generate samples req.N texts from an MDLM model: unconditional texts,
// completions of req.Prompt or infills of req.Infill. Every given character
// comes back byte for byte. Bad requests (characters outside the
// vocabulary, a prompt or template longer than the context, a gap marker
// absent from the template) are errors that name the argument.
func Generate(ctx context.Context, m *Model, req Request, progress Progress) (Generation, error) {
	var gen Generation
	s, err := maskedSampler(m, req.Steps, req.Temperature, req.TopP)
	if err != nil {
		return gen, err
	}
	if req.N < 1 || req.Steps < 1 {
		return gen, &RequestError{fmt.Errorf("text: want n ≥ 1 and steps ≥ 1, got n %d, steps %d", req.N, req.Steps)}
	}
	job, err := planRequest(m, req)
	if err != nil {
		return gen, &RequestError{err}
	}
	batch := req.Batch
	if batch <= 0 {
		batch = 16
	}
	for first, k := 0, 0; first < req.N; first, k = first+batch, k+1 {
		b := min(batch, req.N-first)
		rng := tensor.NewRNG(req.Seed).Split(uint64(k))
		var visit masked.Visit
		if progress != nil {
			visit = func(step int, _ float64, _ []int) { progress(k, step+1, job.steps(req.Steps)) }
		}
		var res masked.Result
		if job.long {
			prompt := repeatRows(job.prompt, b)
			res, err = s.GenerateLong(ctx, m, prompt, b, job.l, job.total, job.l/2, rng, visit)
		} else {
			res, err = s.Sample(ctx, m, repeatRows(job.z0, b), b, job.l, rng, visit)
		}
		if err != nil {
			return gen, err
		}
		gen.Calls += res.Calls
		gen.Rows += res.Rows
		width := len(res.Tokens) / b
		for i := range b {
			t, n, err := job.decode(m.Vocab, res.Tokens[i*width:(i+1)*width])
			if err != nil {
				return gen, err
			}
			gen.Texts = append(gen.Texts, t)
			gen.Chars += n
		}
	}
	return gen, nil
}

// CheckRequest reports whether Generate can carry out req with m, without
// generating anything: nil, or a *RequestError naming the argument (the
// same errors Generate returns for them). Servers call it before they
// accept a request.
func CheckRequest(m *Model, req Request) error {
	if _, err := maskedSampler(m, req.Steps, req.Temperature, req.TopP); err != nil {
		return &RequestError{err}
	}
	if req.N < 1 || req.Steps < 1 {
		return &RequestError{fmt.Errorf("text: want n ≥ 1 and steps ≥ 1, got n %d, steps %d", req.N, req.Steps)}
	}
	if _, err := planRequest(m, req); err != nil {
		return &RequestError{err}
	}
	return nil
}

// StepsPerBatch is the number of sampler steps Generate takes per batch
// of req (more than req.Steps when the text is longer than the context),
// as its Progress reports them; 0 when req is not valid (CheckRequest).
func StepsPerBatch(m *Model, req Request) int {
	j, err := planRequest(m, req)
	if err != nil {
		return 0
	}
	return j.steps(req.Steps)
}

// job is a request laid out on the model's window.
type job struct {
	l      int   // window length
	z0     []int // (l): fixed tokens and masks, for one-window jobs
	long   bool  // generate past the window (GenerateLong)
	prompt []int // the prompt's tokens, for long jobs
	total  int   // tokens of a long job's output, prompt included
	from   int   // the first generated position of a completion
	to     int   // one past the last position kept
	infill bool
}

// steps is the number of sampler steps a batch of the job takes.
func (j job) steps(perWindow int) int {
	if !j.long {
		return perWindow
	}
	windows := 1 + max(0, (j.total-j.l+j.l/2-1)/(j.l/2))
	return windows * perWindow
}

// planRequest lays req out on the model's context window.
func planRequest(m *Model, req Request) (job, error) {
	L, v, mask := m.Config.Context, m.Vocab, m.V()
	if req.Infill != "" {
		if req.Prompt != "" || req.Length != 0 {
			return job{}, fmt.Errorf("text: --infill cannot be combined with --prompt or --length")
		}
		return planInfill(v, req, L, mask)
	}
	prompt, err := encodeArg(v, "--prompt", req.Prompt)
	if err != nil {
		return job{}, err
	}
	p := len(prompt)
	if req.Length < 0 {
		return job{}, fmt.Errorf("text: --length %d: want ≥ 0", req.Length)
	}
	if req.Length == 0 && p >= L {
		return job{}, fmt.Errorf("text: --prompt: %d characters fill the model's context of %d; give --length to generate past it", p, L)
	}
	total := L
	if req.Length > 0 {
		total = p + req.Length
	}
	if total > L {
		return job{l: L, long: true, prompt: prompt, total: total, from: p, to: total}, nil
	}
	z0 := make([]int, L)
	copy(z0, prompt)
	for i := p; i < L; i++ {
		z0[i] = mask
	}
	return job{l: L, z0: z0, from: p, to: total}, nil
}

// planInfill lays out an infilling template: fixed characters, masked
// gaps, the end marker and padding to the window.
func planInfill(v *Vocab, req Request, L, mask int) (job, error) {
	if req.Gap == "" {
		return job{}, fmt.Errorf("text: --gap: want a non-empty gap marker")
	}
	parts := strings.Split(req.Infill, req.Gap)
	if len(parts) < 2 {
		return job{}, fmt.Errorf("text: --infill %q: the gap marker %q does not occur in it", req.Infill, req.Gap)
	}
	gap := req.GapLength
	if gap == 0 {
		gap = utf8.RuneCountInString(req.Gap)
	}
	if gap < 1 {
		return job{}, fmt.Errorf("text: --gap-length %d: want ≥ 1", gap)
	}
	var z0 []int
	for i, part := range parts {
		ids, err := encodeArg(v, "--infill", part)
		if err != nil {
			return job{}, err
		}
		z0 = append(z0, ids...)
		if i < len(parts)-1 {
			for range gap {
				z0 = append(z0, mask)
			}
		}
	}
	if len(z0)+1 > L {
		return job{}, fmt.Errorf("text: --infill: %d characters with its gaps and end marker, longer than the model's context of %d", len(z0)+1, L)
	}
	n := len(z0)
	for len(z0) < L {
		z0 = append(z0, PadID) // the end marker, then padding
	}
	return job{l: L, z0: z0, from: 0, to: n, infill: true}, nil
}

// encodeArg encodes the text of a command-line argument, naming the
// argument when a character is outside the vocabulary.
func encodeArg(v *Vocab, arg, s string) ([]int, error) {
	ids, err := v.Encode(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	return ids, nil
}

// decode turns one output row into text: for a completion, the prompt and
// the generated tokens up to the first end marker; for an infill, the
// template with its gaps filled (an end marker the model put inside a gap
// is dropped, so the gap comes back shorter). n counts the generated
// characters.
func (j job) decode(v *Vocab, row []int) (text string, n int, err error) {
	if j.infill {
		var keep []int
		for i, id := range row[:j.to] {
			if id == PadID {
				continue
			}
			if j.z0[i] != id {
				n++
			}
			keep = append(keep, id)
		}
		text, err = v.Decode(keep)
		return text, n, err
	}
	gen := TrimAtPad(row[j.from:j.to])
	text, err = v.Decode(append(append([]int(nil), row[:j.from]...), gen...))
	return text, len(gen), err
}

// repeatRows returns b copies of row, one after another.
func repeatRows(row []int, b int) []int {
	out := make([]int, 0, b*len(row))
	for range b {
		out = append(out, row...)
	}
	return out
}
