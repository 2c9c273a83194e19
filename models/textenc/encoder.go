package textenc

import (
	"fmt"
	"path/filepath"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/models/transformer"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Encoder is the vocabulary and the transformer over it.
type Encoder struct {
	Vocab *Vocab
	Net   *transformer.Model // Out = D: per-position features
}

// New builds an encoder of width d, layers blocks and heads heads over
// vocab, with weights drawn from seed.
func New(vocab *Vocab, d, layers, heads int, seed uint64) (*Encoder, error) {
	cfg := transformer.Config{Vocab: vocab.Size(), Out: d, D: d, Layers: layers, Heads: heads, MaxLen: vocab.Len()}
	net, err := transformer.New(cfg, tensor.NewRNG(seed))
	if err != nil {
		return nil, fmt.Errorf("textenc: %w", err)
	}
	return &Encoder{Vocab: vocab, Net: net}, nil
}

// D is the width of the context and pooled vectors.
func (e *Encoder) D() int { return e.Net.Config.D }

// Params lists the transformer's parameters.
func (e *Encoder) Params() []*nn.Param { return e.Net.Params() }

// Encode tokenizes prompts and returns the context (B, Len, D) and the
// pooled vector (B, D), recording on g. Prompt errors are returned (see
// Tokenize); nothing is recorded then.
func (e *Encoder) Encode(g *autograd.Graph, prompts []string) (ctx, pooled *autograd.Var, err error) {
	ids, err := e.Vocab.Tokenize(prompts)
	if err != nil {
		return nil, nil, err
	}
	b, l := len(prompts), e.Vocab.Len()
	ctx = e.Net.Forward(g, ids, b, l, nil)              // (B, L, D)
	pooled = g.Reshape(g.Slice(ctx, 1, 0, 1), b, e.D()) // the CLS position: (B, D)
	return ctx, pooled, nil
}

// File names inside a text-encoder folder.
const VocabFile = "vocab.json"

// Save writes the transformer (models/transformer's files) and vocab.json
// to dir.
func (e *Encoder) Save(dir string) error {
	if err := e.Net.Save(dir); err != nil {
		return err
	}
	return checkpoint.WriteJSON(filepath.Join(dir, VocabFile), e.Vocab)
}

// Load reads an encoder written by Save; a vocabulary whose size differs
// from the transformer's is refused.
func Load(dir string) (*Encoder, error) {
	var v Vocab
	file := filepath.Join(dir, VocabFile)
	if err := checkpoint.ReadJSON(file, &v); err != nil {
		return nil, err
	}
	if err := v.index(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	net, err := transformer.Load(dir)
	if err != nil {
		return nil, err
	}
	if net.Config.Vocab != v.Size() || net.Config.MaxLen != v.Len() {
		return nil, fmt.Errorf("%s: %d ids of length %d, but %s has vocab %d, max_len %d", file, v.Size(), v.Len(),
			filepath.Join(dir, transformer.ConfigFile), net.Config.Vocab, net.Config.MaxLen)
	}
	return &Encoder{Vocab: &v, Net: net}, nil
}
