package augment

import (
	"context"
	"fmt"
	"strings"

	"github.com/diffusego/diffusego/text"
)

// TextBench is the downstream benchmark for labelled text. The texts are
// split once per class (seed SplitSeed) into Val validation texts, Test
// test texts and a training pool; for each seed PerClass texts per class
// are drawn from the pool. The character-level classifier (CharClassifier)
// is trained on those alone ("real"; the classic augmentation for
// text is none, so it is also the classic row), on them plus texts of a
// character 5-gram model with Kneser–Ney smoothing fitted to the same
// "LABEL: TEXT" documents and completing the label prompt ("ngram", the
// cheap generative baseline), and on them plus texts of an MDLM model
// trained from scratch on those documents ("diffusego"). Each
// augmentation's mixing ratio is chosen per seed by macro-F1 on
// validation, and only the chosen one is scored on the test texts.
type TextBench struct {
	Data      *Texts
	Name      string
	PerClass  int
	Val, Test int // texts per class
	SplitSeed uint64
	Seeds     int
	Ratios    []float64 // synthetic shares, each in [0, 1)
	Model     TextModelOptions
	Gen       TextOptions // Seed is set per run
	Clf       CharOptions
	NGram     int // order of the n-gram baseline (0: 5)
	Progress  func(msg string)
}

// TextScores are the test scores of one method, one value per seed.
type TextScores struct {
	MacroF1  []float64 `json:"macro_f1"`
	Accuracy []float64 `json:"accuracy"`
	Ratio    []float64 `json:"ratio_chosen,omitempty"`
	// Fidelity is the share of the synthetic pool that the classifier
	// trained on the real texts assigns to its prompt's class.
	Fidelity []float64 `json:"synthetic_fidelity,omitempty"`
}

// TextResult is the benchmark on one labelled text set.
type TextResult struct {
	Data     string                 `json:"data"`
	Classes  []string               `json:"classes"`
	PerClass int                    `json:"real_per_class"`
	Val      int                    `json:"val_per_class"`
	Test     int                    `json:"test_per_class"`
	Pool     []int                  `json:"pool_per_class"`
	Methods  map[string]*TextScores `json:"methods"`
	ValF1    map[string]float64     `json:"validation_macro_f1_mean"`
	Examples map[string][]string    `json:"examples_seed0"` // a few synthetic texts per class and generator
}

// TextMethods lists the methods of TextResult in table order.
var TextMethods = []string{"real", "ngram", "diffusego"}

// Run measures every seed.
func (b *TextBench) Run(ctx context.Context) (*TextResult, error) {
	for _, r := range b.Ratios {
		if err := CheckRatio(r); err != nil {
			return nil, err
		}
		if r == 1 {
			return nil, fmt.Errorf("augment: bench ratio 1: want r < 1")
		}
	}
	order := b.NGram
	if order == 0 {
		order = 5
	}
	pool, val, test, err := SplitTexts(b.Data, b.Val, b.Test, b.SplitSeed)
	if err != nil {
		return nil, err
	}
	k := len(b.Data.Classes)
	res := &TextResult{Data: b.Name, Classes: b.Data.Classes, PerClass: b.PerClass, Val: b.Val, Test: b.Test, Pool: pool.ClassCounts(),
		Methods: map[string]*TextScores{}, ValF1: map[string]float64{}, Examples: map[string][]string{}}
	for _, m := range TextMethods {
		res.Methods[m] = &TextScores{}
	}
	maxWant := 0
	want := make([]int, len(b.Ratios))
	for i, r := range b.Ratios {
		want[i] = SyntheticFor(b.PerClass, r)
		maxWant = max(maxWant, want[i])
	}
	fit := func(t *Texts) (*CharClassifier, error) { return FitCharClassifier(t.Texts, t.Labels, k, b.Clf) }
	score := func(c *CharClassifier, on *Texts) (f1, acc float64) {
		pred := c.Predict(on.Texts)
		right := 0
		for i, y := range on.Labels {
			if pred[i] == y {
				right++
			}
		}
		return MacroF1(on.Labels, pred, k), float64(right) / float64(on.Len())
	}
	for seed := range b.Seeds {
		real := SampleTexts(pool, b.PerClass, uint64(100+seed))
		clf, err := fit(real)
		if err != nil {
			return nil, err
		}
		vf, _ := score(clf, val)
		res.ValF1["real"] += vf / float64(b.Seeds)
		f1, acc := score(clf, test)
		res.Methods["real"].MacroF1 = append(res.Methods["real"].MacroF1, f1)
		res.Methods["real"].Accuracy = append(res.Methods["real"].Accuracy, acc)

		pools := map[string]*Texts{}
		// The n-gram baseline: a Kneser–Ney model of the labelled documents.
		docs := make([]string, real.Len())
		for i, s := range real.Texts {
			docs[i] = LabelPrompt(real.Classes[real.Labels[i]]) + s
		}
		vocab, err := text.BuildVocab(docs, 0)
		if err != nil {
			return nil, err
		}
		ng, err := text.NewNGram(vocab, order, docs)
		if err != nil {
			return nil, err
		}
		ngPool := &Texts{Classes: real.Classes}
		for c, name := range real.Classes {
			for j := 0; j < maxWant; {
				s, err := ng.Complete(LabelPrompt(name), b.Model.contextOr128()-len([]rune(LabelPrompt(name))), 1, batchSeed(uint64(900000+seed), c*classStride+j))
				if err != nil {
					return nil, err
				}
				if s = strings.TrimSpace(s); s != "" {
					ngPool.Texts, ngPool.Labels = append(ngPool.Texts, s), append(ngPool.Labels, c)
				}
				j++
			}
		}
		pools["ngram"] = ngPool

		b.say("%s seed %d: training the MDLM generator on %d texts (%d steps)", b.Name, seed, real.Len(), b.Model.Train.Steps)
		mopt := b.Model
		mopt.Train.Seed = uint64(7000 + seed)
		m, err := TrainTextModel(ctx, real, mopt)
		if err != nil {
			return nil, err
		}
		gopt := b.Gen
		gopt.Seed = uint64(8000 + seed)
		counts := make([]int, k)
		for c := range counts {
			counts[c] = maxWant
		}
		b.say("%s seed %d: generating %d texts per class", b.Name, seed, maxWant)
		syn, _, err := GenerateTexts(ctx, m, real.Classes, real.Classes, counts, gopt)
		if err != nil {
			return nil, err
		}
		pools["diffusego"] = syn
		for _, method := range TextMethods[1:] {
			p := pools[method]
			pred := clf.Predict(p.Texts)
			right := 0
			for i, y := range p.Labels {
				if pred[i] == y {
					right++
				}
			}
			s := res.Methods[method]
			s.Fidelity = append(s.Fidelity, float64(right)/float64(max(p.Len(), 1)))
			if seed == 0 {
				for c, name := range real.Classes {
					n := 0
					for i, y := range p.Labels {
						if y == c && n < 3 {
							res.Examples[method+" "+name] = append(res.Examples[method+" "+name], p.Texts[i])
							n++
						}
					}
				}
			}
			best, bestV := 0, -1.0
			var bestClf *CharClassifier
			for i, r := range b.Ratios {
				aug := real.Append(firstPerClass(p, want[i]))
				c, err := fit(aug)
				if err != nil {
					return nil, err
				}
				vf, _ := score(c, val)
				res.ValF1[fmt.Sprintf("%s r=%.2f", method, r)] += vf / float64(b.Seeds)
				if vf > bestV {
					best, bestV, bestClf = i, vf, c
				}
			}
			f1, acc := score(bestClf, test)
			s.MacroF1, s.Accuracy, s.Ratio = append(s.MacroF1, f1), append(s.Accuracy, acc), append(s.Ratio, b.Ratios[best])
		}
		b.say("%s seed %d: macro-F1 real %.3f ngram %.3f diffusego %.3f; synthetic fidelity ngram %.2f diffusego %.2f", b.Name, seed,
			res.Methods["real"].MacroF1[seed], res.Methods["ngram"].MacroF1[seed], res.Methods["diffusego"].MacroF1[seed],
			res.Methods["ngram"].Fidelity[seed], res.Methods["diffusego"].Fidelity[seed])
	}
	return res, nil
}

func (o TextModelOptions) contextOr128() int {
	if o.Context == 0 {
		return 128
	}
	return o.Context
}

// firstPerClass is the first n texts of every class of t, in t's order.
func firstPerClass(t *Texts, n int) *Texts {
	seen := make([]int, len(t.Classes))
	var idx []int
	for i, y := range t.Labels {
		if seen[y] < n {
			seen[y]++
			idx = append(idx, i)
		}
	}
	return t.Subset(idx)
}

func (b *TextBench) say(format string, args ...any) {
	if b.Progress != nil {
		b.Progress(fmt.Sprintf(format, args...))
	}
}
