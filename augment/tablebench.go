package augment

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/diffusego/diffusego/tabular"
	"github.com/diffusego/diffusego/tensor"
)

// TableBench is the downstream benchmark for a table with a minority
// class. For each seed the rows are split per class 60/20/20 into train,
// validation and test; the minority class's training rows are cut to
// MinorityShare of their number (validation and test keep the real class
// balance). The logistic regression of tabular.FitClassifier is trained on
// the cut training rows alone, with random oversampling of the minority
// class, with SMOTE rows and with diffusego rows (a tabular.Model fitted to
// the cut training rows and sampled for the minority class); each
// augmentation's mixing ratio is chosen per seed by balanced accuracy on
// validation, and only the chosen ones are scored on test. With Filter > 0
// a fifth method, "diffusego-filtered", keeps only the diffusego rows to
// which the logistic regression trained on the cut training rows gives
// the minority class at least probability Filter (GenerateRows'
// MinConfidence), drawing up to four times the rows it needs.
type TableBench struct {
	Data          *tabular.Frame
	Name          string // for the result
	Target        int    // the target column
	Minority      int    // class index of the minority class
	MinorityShare float64
	Seeds         int
	Ratios        []float64 // synthetic share of the minority class's rows, each in [0, 1)
	Model         tabular.ModelConfig
	Train         tabular.TrainOptions // Seed is set per run
	Filter        float64              // minimum confidence of diffusego-filtered; 0 leaves that method out
	Progress      func(msg string)
}

// TableScores are the test scores of one method, one value per seed.
type TableScores struct {
	Recall   []float64 `json:"minority_recall"`
	Balanced []float64 `json:"balanced_accuracy"`
	MacroF1  []float64 `json:"macro_f1"`
	Ratio    []float64 `json:"ratio_chosen,omitempty"`
}

// TableResult is the benchmark on one table.
type TableResult struct {
	Data      string                  `json:"data"`
	Target    string                  `json:"target"`
	Minority  string                  `json:"minority"`
	Rows      [3]int                  `json:"rows_train_val_test"` // of seed 0, after the cut
	MinorityN int                     `json:"minority_train_rows"`
	Methods   map[string]*TableScores `json:"methods"` // real, oversample, smote, diffusego
	Val       map[string]float64      `json:"validation_balanced_mean"`
	Order     []string                `json:"method_order"` // the methods run, in table order
	Filter    float64                 `json:"filter_min_confidence,omitempty"`
}

// TableMethods lists the methods of TableResult in table order; a run with
// a Filter adds "diffusego-filtered" after them.
var TableMethods = []string{"real", "oversample", "smote", "diffusego"}

// Run measures every seed.
func (b *TableBench) Run(ctx context.Context) (*TableResult, error) {
	col := b.Data.Schema.Columns[b.Target]
	for _, r := range b.Ratios {
		if err := CheckRatio(r); err != nil {
			return nil, err
		}
		if r == 1 {
			return nil, fmt.Errorf("augment: bench ratio 1: want r < 1")
		}
	}
	res := &TableResult{Data: b.Name, Target: col.Name, Minority: col.Categories[b.Minority],
		Methods: map[string]*TableScores{}, Val: map[string]float64{}, Order: slices.Clone(TableMethods), Filter: b.Filter}
	if b.Filter > 0 {
		res.Order = append(res.Order, "diffusego-filtered")
	}
	for _, m := range res.Order {
		res.Methods[m] = &TableScores{}
	}
	y := tabular.Labels(b.Data, b.Target)
	k := len(col.Categories)
	for seed := range b.Seeds {
		var tr, va, te []int
		rng := tensor.NewRNG(uint64(5000 + seed))
		for c := range k {
			var rows []int
			for i, v := range y {
				if v == c {
					rows = append(rows, i)
				}
			}
			perm := rng.Perm(len(rows))
			nTr, nVa := int(math.Round(0.6*float64(len(rows)))), int(math.Round(0.2*float64(len(rows))))
			keep := nTr
			if c == b.Minority {
				keep = max(int(math.Round(b.MinorityShare*float64(nTr))), 2)
			}
			for a, p := range perm {
				switch {
				case a < keep:
					tr = append(tr, rows[p])
				case a < nTr:
				case a < nTr+nVa:
					va = append(va, rows[p])
				default:
					te = append(te, rows[p])
				}
			}
		}
		train, val, test := b.Data.Subset(tr), b.Data.Subset(va), b.Data.Subset(te)
		counts := make([]int, k)
		for _, i := range tr {
			counts[y[i]]++
		}
		most := 0
		for _, n := range counts {
			most = max(most, n)
		}
		if seed == 0 {
			res.Rows = [3]int{len(tr), len(va), len(te)}
			res.MinorityN = counts[b.Minority]
		}
		score := func(f *tabular.Frame, on *tabular.Frame) (recall, balanced, f1 float64) {
			cl := tabular.FitClassifier(f, train, b.Target)
			return b.scores(tabular.Labels(on, b.Target), cl.Predict(on), k)
		}
		add := func(method string, f *tabular.Frame, ratio float64) {
			r, bal, f1 := score(f, test)
			s := res.Methods[method]
			s.Recall, s.Balanced, s.MacroF1 = append(s.Recall, r), append(s.Balanced, bal), append(s.MacroF1, f1)
			if method != "real" {
				s.Ratio = append(s.Ratio, ratio)
			}
		}
		_, vb, _ := score(train, val)
		res.Val["real"] += vb / float64(b.Seeds)
		add("real", train, 0)

		// want[r]: minority rows to add at ratio r, at most up to the majority.
		want := make([]int, len(b.Ratios))
		maxWant := 0
		for i, r := range b.Ratios {
			want[i] = min(SyntheticFor(counts[b.Minority], r), most-counts[b.Minority])
			maxWant = max(maxWant, want[i])
		}
		only := func(n int) []int {
			c := make([]int, k)
			c[b.Minority] = n
			return c
		}
		var minRows []int
		for a, i := range tr {
			if y[i] == b.Minority {
				minRows = append(minRows, a)
			}
		}
		pools := map[string]*tabular.Frame{}
		dup := make([]int, maxWant)
		for i := range dup {
			dup[i] = minRows[rng.Intn(len(minRows))]
		}
		pools["oversample"] = train.Subset(dup)
		pools["smote"] = SMOTE(train, b.Target, only(maxWant), 5, tensor.NewRNG(uint64(6000+seed)))
		opt := b.Train
		opt.Seed = uint64(7000 + seed)
		b.say("%s seed %d: fitting diffusego to %d rows (%d of class %s)", b.Name, seed, len(tr), counts[b.Minority], res.Minority)
		m, err := tabular.TrainModel(ctx, train, tabular.ScaleQuantile, b.Model, opt)
		if err != nil {
			return nil, err
		}
		syn, _, err := GenerateRows(ctx, m, train, b.Target, only(maxWant), TableOptions{Seed: uint64(8000 + seed)})
		if err != nil {
			return nil, err
		}
		pools["diffusego"] = syn
		if b.Filter > 0 {
			kept, rep, err := GenerateRows(ctx, m, train, b.Target, only(maxWant), TableOptions{Seed: uint64(9000 + seed), MinConfidence: b.Filter})
			if err != nil {
				return nil, err
			}
			r := rep[b.Minority]
			b.say("%s seed %d: filter %.2f kept %d of %d drawn rows", b.Name, seed, b.Filter, r.Kept, r.Drawn)
			pools["diffusego-filtered"] = kept
		}
		for _, method := range res.Order[1:] {
			best, bestV := 0, -1.0
			for i, r := range b.Ratios {
				aug := train.Append(pools[method].Subset(seq(min(want[i], pools[method].Rows()))))
				_, vb, _ := score(aug, val)
				res.Val[fmt.Sprintf("%s r=%.2f", method, r)] += vb / float64(b.Seeds)
				if vb > bestV {
					best, bestV = i, vb
				}
			}
			add(method, train.Append(pools[method].Subset(seq(min(want[best], pools[method].Rows())))), b.Ratios[best])
		}
		b.say("%s seed %d: minority recall real %.3f oversample %.3f smote %.3f diffusego %.3f", b.Name, seed,
			res.Methods["real"].Recall[seed], res.Methods["oversample"].Recall[seed], res.Methods["smote"].Recall[seed], res.Methods["diffusego"].Recall[seed])
	}
	return res, nil
}

func (b *TableBench) say(format string, args ...any) {
	if b.Progress != nil {
		b.Progress(fmt.Sprintf(format, args...))
	}
}

// scores returns the minority class's recall, the balanced accuracy (mean
// recall over the classes present in truth) and the macro-F1.
func (b *TableBench) scores(truth, pred []int, k int) (recall, balanced, f1 float64) {
	tp, fp, fn := make([]float64, k), make([]float64, k), make([]float64, k)
	for i, t := range truth {
		if t < 0 {
			continue
		}
		if pred[i] == t {
			tp[t]++
		} else {
			fp[pred[i]]++
			fn[t]++
		}
	}
	n := 0
	for c := range k {
		if tp[c]+fn[c] == 0 {
			continue
		}
		n++
		balanced += tp[c] / (tp[c] + fn[c])
		if tp[c] > 0 {
			f1 += 2 * tp[c] / (2*tp[c] + fp[c] + fn[c])
		}
	}
	m := b.Minority
	recall = tp[m] / math.Max(tp[m]+fn[m], 1)
	return recall, balanced / float64(max(n, 1)), f1 / float64(max(n, 1))
}

// seq returns 0..n−1.
func seq(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}
