package text

import (
	"encoding/json"
	"fmt"

	"github.com/diffusego/diffusego/checkpoint"
)

// FortunesSource is the data argument that means Debian's fortunes
// (LoadFortunes on FortunesDir) instead of a file.
const FortunesSource = "fortunes"

// DataConfig says where a model's text came from and how it was split and
// laid out; it is stored with the model (RunKey) so that evaluation can
// rebuild the same held-out documents.
type DataConfig struct {
	Source   string  `json:"source"`    // a corpus file, or FortunesSource
	Format   string  `json:"format"`    // auto, lines, fortune or json
	Val      float64 `json:"val"`       // share of documents held out for validation
	Test     float64 `json:"test"`      // share held out for testing
	Seed     uint64  `json:"seed"`      // the split's seed
	MaxVocab int     `json:"max_vocab"` // cap on the vocabulary (0: every training character)
}

// RunKey is the checkpoint header entry holding the DataConfig as JSON.
const RunKey = "diffusego.text.data"

// Corpus is a split corpus ready for a model: the documents, the
// vocabulary of the training documents and each part as sequences.
type Corpus struct {
	Split            DocumentSplit
	Vocab            *Vocab
	Train, Val, Test *Sequences
}

// LoadDocuments reads the documents dc names.
func LoadDocuments(dc DataConfig) ([]Document, error) {
	if dc.Source == FortunesSource {
		return LoadFortunes(FortunesDir)
	}
	f, err := ParseFormat(dc.Format)
	if err != nil {
		return nil, err
	}
	return ReadCorpus(dc.Source, f)
}

// PrepareCorpus splits docs by document as dc says and lays each part out
// as sequences of l tokens in packing mode. With v nil the vocabulary is
// built from the training documents; otherwise v (a trained model's) is
// used, and held-out characters outside it become the replacement token.
func PrepareCorpus(docs []Document, dc DataConfig, v *Vocab, l int, mode Packing) (*Corpus, error) {
	split, err := SplitDocuments(docs, dc.Val, dc.Test, dc.Seed)
	if err != nil {
		return nil, err
	}
	if len(split.Train) == 0 {
		return nil, fmt.Errorf("text: %s: no training documents after the split", dc.Source)
	}
	if v == nil {
		if v, err = BuildVocab(Texts(split.Train), dc.MaxVocab); err != nil {
			return nil, err
		}
	}
	c := &Corpus{Split: split, Vocab: v}
	parts := []struct {
		docs []Document
		dst  **Sequences
	}{{split.Train, &c.Train}, {split.Val, &c.Val}, {split.Test, &c.Test}}
	for _, p := range parts {
		if len(p.docs) == 0 {
			continue
		}
		if *p.dst, _, err = EncodeSequences(v, Texts(p.docs), l, mode); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// DataFromMeta reads the DataConfig stored in a checkpoint header; ok is
// false when there is none (a model exported without it).
func DataFromMeta(meta map[string]string, path string) (dc DataConfig, ok bool, err error) {
	raw, ok := meta[RunKey]
	if !ok {
		return dc, false, nil
	}
	if err := checkpoint.DecodeJSON([]byte(raw), path+": "+RunKey, &dc); err != nil {
		return dc, true, err
	}
	return dc, true, nil
}

// Meta returns dc as a checkpoint header entry.
func (dc DataConfig) Meta() map[string]string {
	b, _ := json.Marshal(dc) // plain data: cannot fail
	return map[string]string{RunKey: string(b)}
}
