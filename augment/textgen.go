package augment

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/text"
	"github.com/diffusego/diffusego/train"
)

// LabelsKey is the checkpoint header entry of a label-conditioned text
// model: the JSON list of the class names it was trained with.
const LabelsKey = "diffusego.augment.labels"

// LabelPrompt is the prefix that conditions a text model on a class: the
// model is trained on documents "LABEL: TEXT" and generates a text of the
// class by completing "LABEL: " (the cheapest class conditioning of a
// language model: the label is part of the text, as in Anaby-Tavor et al.
// 2020, "Do not have enough data? Deep learning to the rescue!", LAMBADA).
func LabelPrompt(class string) string { return class + ": " }

// TextModelOptions are the settings of TrainTextModel.
type TextModelOptions struct {
	Preset  string // text.Presets name (default "tiny")
	Context int    // characters per sequence (default 128)
	Batch   int    // sequences per step (default 16)
	Train   train.Options
	Log     io.Writer // progress lines; nil for none
}

// TrainTextModel fits an MDLM text model (text.MDLM, a window per document)
// to the documents LabelPrompt(class)+text of t, from scratch, with the
// vocabulary of those documents. Texts longer than the context are split
// into windows by text.Pad, and only the first window carries the label:
// keep texts shorter than the context (LoadTexts' maxChars).
func TrainTextModel(ctx context.Context, t *Texts, opt TextModelOptions) (*text.Model, error) {
	if opt.Preset == "" {
		opt.Preset = "tiny"
	}
	if opt.Context == 0 {
		opt.Context = 128
	}
	if opt.Batch == 0 {
		opt.Batch = 16
	}
	docs := make([]string, t.Len())
	for i, s := range t.Texts {
		docs[i] = LabelPrompt(t.Classes[t.Labels[i]]) + s
	}
	vocab, err := text.BuildVocab(docs, 0)
	if err != nil {
		return nil, err
	}
	seqs, _, err := text.EncodeSequences(vocab, docs, opt.Context, text.Pad)
	if err != nil {
		return nil, err
	}
	cfg, err := text.NewModelConfig(text.MDLM, opt.Preset, vocab.Size(), opt.Context)
	if err != nil {
		return nil, err
	}
	m, err := text.NewModel(cfg, vocab, tensor.NewRNG(opt.Train.Seed))
	if err != nil {
		return nil, err
	}
	batches, err := text.NewBatches(seqs, min(opt.Batch, seqs.Len()), opt.Train.Seed)
	if err != nil {
		return nil, err
	}
	tr, err := train.NewTask(&text.Task{Model: m, Data: batches}, opt.Train)
	if err != nil {
		return nil, err
	}
	tr.Unit, tr.Log = "seq", opt.Log
	if err := tr.Run(ctx); err != nil {
		return nil, err
	}
	if tr.EMA != nil { // sample with the weight average, as diffuse text does
		if err := tr.EMA.CopyTo(tr.Params()); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// SaveTextModel writes m with the class names to path (atomically), a
// checkpoint diffuse text sample also reads.
func SaveTextModel(path string, m *text.Model, classes []string) error {
	meta, err := m.Meta()
	if err != nil {
		return err
	}
	b, err := json.Marshal(classes)
	if err != nil {
		return err
	}
	meta[LabelsKey] = string(b)
	return checkpoint.SaveParams(path, m.Net.Params(), "", meta)
}

// LoadTextModel reads a model written by SaveTextModel and its classes.
// A text model without the classes is refused: it was not trained to
// take a label.
func LoadTextModel(path string) (*text.Model, []string, error) {
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	raw, ok := f.Meta[LabelsKey]
	if !ok {
		return nil, nil, fmt.Errorf("augment: %s: no %q entry: not a label-conditioned text model (train one with diffuse augment text --save-model)", path, LabelsKey)
	}
	var classes []string
	if err := checkpoint.DecodeJSON([]byte(raw), path+": "+LabelsKey, &classes); err != nil {
		return nil, nil, err
	}
	m, err := text.Load(path, false)
	if err != nil {
		return nil, nil, err
	}
	return m, classes, nil
}

// TextClassError is labelled text with classes a label-conditioned model
// was not trained with (more classes than it knows, or other names).
type TextClassError struct {
	Source         string
	Classes, Known []string
	Unknown        string // the first class the model does not know
}

func (e *TextClassError) Error() string {
	return fmt.Sprintf("augment: %s has %d classes %q but the model knows %d %q (not %q): want a model trained on these classes (leave out --checkpoint to train one)",
		e.Source, len(e.Classes), e.Classes, len(e.Known), e.Known, e.Unknown)
}

// CheckTextClasses returns a *TextClassError unless every class is one the
// model knows.
func CheckTextClasses(source string, classes, known []string) error {
	for _, c := range classes {
		if !slices.Contains(known, c) {
			return &TextClassError{Source: source, Classes: classes, Known: known, Unknown: c}
		}
	}
	return nil
}

// TextOptions are the settings of GenerateTexts; with the model they fix
// the texts.
type TextOptions struct {
	Seed        uint64
	Steps       int     // denoising steps (default 64)
	Temperature float64 // 0 means 1
	TopP        float64 // nucleus sampling; 0 keeps every token
	Batch       int     // texts per sampling call (default 16)
	// MinConfidence > 0 keeps a text of class c only when Filter gives c
	// at least that probability; texts are drawn until each class has
	// its count or MaxTries·count were drawn (default 4).
	MinConfidence float64
	Filter        *CharClassifier
	MaxTries      int
}

// GenerateTexts draws counts[c] texts of every class c of classes from m, a
// model trained with the label prompts of modelClasses, by completing
// LabelPrompt(class); the prompt is cut from the texts, and empty
// completions are drawn again. Texts are drawn in batches; batch k of
// class c draws from (Seed, c·2²⁰ + k) alone, so a class's texts do not
// change when other classes' counts do. A class the model does not know is
// a *TextClassError.
func GenerateTexts(ctx context.Context, m *text.Model, modelClasses, classes []string, counts []int, opt TextOptions) (*Texts, []ClassReport, error) {
	if err := CheckTextClasses("the data", classes, modelClasses); err != nil {
		return nil, nil, err
	}
	if len(counts) != len(classes) {
		return nil, nil, fmt.Errorf("augment: %d counts for %d classes", len(counts), len(classes))
	}
	if opt.MinConfidence < 0 || opt.MinConfidence > 1 {
		return nil, nil, fmt.Errorf("augment: minimum confidence %g: want a probability in [0, 1]", opt.MinConfidence)
	}
	if opt.MinConfidence > 0 && opt.Filter == nil {
		return nil, nil, fmt.Errorf("augment: a minimum confidence needs a filter classifier")
	}
	if opt.Steps <= 0 {
		opt.Steps = 64
	}
	if opt.Batch <= 0 {
		opt.Batch = 16
	}
	if opt.MaxTries <= 0 {
		opt.MaxTries = 4
	}
	out := &Texts{Classes: classes}
	reports := make([]ClassReport, len(classes))
	for c, want := range counts {
		r := &reports[c]
		r.Class, r.Requested = classes[c], want
		prompt := LabelPrompt(classes[c])
		for k := 0; r.Kept < want && r.Drawn < opt.MaxTries*want; k++ {
			gen, err := text.Generate(ctx, m, text.Request{N: opt.Batch, Steps: opt.Steps, Seed: batchSeed(opt.Seed, c*classStride+k),
				Temperature: opt.Temperature, TopP: opt.TopP, Batch: opt.Batch, Prompt: prompt}, nil)
			if err != nil {
				return nil, nil, fmt.Errorf("augment: class %s: %w", classes[c], err)
			}
			var texts []string
			for _, s := range gen.Texts {
				s = strings.TrimSpace(strings.TrimPrefix(s, prompt))
				texts = append(texts, s)
			}
			var p [][]float64
			if opt.MinConfidence > 0 {
				p = opt.Filter.Proba(texts)
			}
			for i, s := range texts {
				if r.Kept == want {
					break
				}
				r.Drawn++
				if s == "" || (p != nil && p[i][c] < opt.MinConfidence) {
					r.Rejected++
					continue
				}
				out.Texts, out.Labels = append(out.Texts, s), append(out.Labels, c)
				r.Kept++
			}
		}
	}
	return out, reports, nil
}

// batchSeed is the seed of sampling batch i of a run seeded with seed.
func batchSeed(seed uint64, i int) uint64 {
	return uint64(tensor.NewRNG(seed).Split(uint64(i)).Intn(1 << 62))
}
