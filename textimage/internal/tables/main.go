// Command tables measures the two tables of docs/latent.md from trained
// text-to-image run folders (diffuse train --text and --latent, at the
// same wall-clock budget; bench/latent_tables.sh runs it):
//
// Table 1, pixel against latent space: training images/s (from each run's
// train-stats.json), sampling images/s at equal steps (wall and CPU time,
// measured here), the Fréchet distance of prompted samples in the emoji
// classifier's feature space against the real-vs-real floor at the same
// count, and the category and subcategory accuracy of those samples.
//
// Table 2, prompted generation: for a seeded sample of training captions
// and for every held-out caption, the category and subcategory accuracy
// of guided samples at each guidance scale, against two baselines (a
// random real training picture of the same category, another name; an
// unconditional sample from the same noise), and the held-out margin
// over the unconditional sample with its 95% confidence interval (paired
// per caption, normal approximation).
//
//	go run ./textimage/internal/tables -pixel out/lt/pixel -latent out/lt/latent -emoji out/emoji
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/diffusego/diffusego/data/emoji"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/internal/cputime"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/metrics"
	"github.com/diffusego/diffusego/models/classifier"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/textimage"
)

type settings struct {
	pixel, latent, emojiDir, clfPath string
	heldOut                          float64
	splitSeed, seed                  uint64
	nFD, steps, batch, trainCaps     int
	perCaption                       int
	fdGuidance                       float64
	guidance                         []float64
	samplerName                      string
	table2                           string
	out, jsonOut                     string
}

func main() {
	var s settings
	var guid string
	flag.StringVar(&s.pixel, "pixel", "", "pixel-space run folder (diffuse train --text); empty to leave out")
	flag.StringVar(&s.latent, "latent", "", "latent-space run folder (diffuse train --latent); empty to leave out")
	flag.StringVar(&s.emojiDir, "emoji", "out/emoji", "emoji folder (make emoji)")
	flag.StringVar(&s.clfPath, "classifier", "", "emoji classifier weights (default: the one built in)")
	flag.Float64Var(&s.heldOut, "held-out", 0.1, "fraction of names held out (as in training)")
	flag.Uint64Var(&s.splitSeed, "split-seed", 1, "seed of the held-out names (as in training)")
	flag.Uint64Var(&s.seed, "seed", 1, "seed of the chosen pictures, captions and sampling noise")
	flag.IntVar(&s.nFD, "n-fd", 500, "table 1: prompted samples (and real pictures) for the Fréchet distance; at most half the training pictures")
	flag.IntVar(&s.steps, "steps", 50, "sampling steps, the same for both spaces")
	flag.StringVar(&s.samplerName, "sampler", "ddim", "sampler")
	flag.IntVar(&s.batch, "batch", 32, "images per sampling batch")
	flag.Float64Var(&s.fdGuidance, "fd-guidance", 2, "table 1: guidance of the prompted samples")
	flag.IntVar(&s.trainCaps, "train-captions", 500, "table 2: training captions (distinct names, seeded)")
	flag.IntVar(&s.perCaption, "per-caption", 1, "table 2: samples per caption")
	flag.StringVar(&guid, "guidance", "1,2,4", "table 2: guidance scales")
	flag.StringVar(&s.table2, "table2", "latent", "table 2: which run, latent or pixel (none to skip)")
	flag.StringVar(&s.out, "out", "", "also write the tables (markdown) to this file")
	flag.StringVar(&s.jsonOut, "json", "", "also write every number as JSON to this file")
	flag.Parse()
	for _, f := range strings.Split(guid, ",") {
		w, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || w < 0 {
			fmt.Fprintf(os.Stderr, "tables: -guidance: %q: want comma-separated scales ≥ 0\n", f)
			os.Exit(2)
		}
		s.guidance = append(s.guidance, w)
	}
	if err := run(context.Background(), s, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tables:", err)
		os.Exit(1)
	}
}

// scorer is the emoji classifier with the data set's labels.
type scorer struct {
	net *classifier.EmojiNet
	set *emoji.Set
}

// labels are the classifier's indices of the items' category and
// subcategory.
func (sc scorer) labels(items []int) (cat, sub []int, err error) {
	var cs, ss []string
	for _, i := range items {
		cs, ss = append(cs, sc.set.Items[i].Category), append(ss, sc.set.Items[i].Subcategory)
	}
	return sc.net.EmojiLabels(cs, ss)
}

// correct returns, per image, whether the predicted category and
// subcategory equal the wanted ones.
func (sc scorer) correct(x *tensor.Tensor, wantCat, wantSub []int) (cat, sub []bool, err error) {
	pc, ps, err := sc.net.Predict(x)
	if err != nil {
		return nil, nil, err
	}
	for i := range pc {
		cat, sub = append(cat, pc[i] == wantCat[i]), append(sub, ps[i] == wantSub[i])
	}
	return cat, sub, nil
}

func mean(b []bool) float64 {
	n := 0
	for _, v := range b {
		if v {
			n++
		}
	}
	return float64(n) / float64(max(len(b), 1))
}

// pairedCI is the mean of a[i]−b[i] and its 95% interval (normal
// approximation over the pairs).
func pairedCI(a, b []bool) (m, lo, hi float64) {
	n := float64(len(a))
	d := make([]float64, len(a))
	for i := range a {
		if a[i] {
			d[i]++
		}
		if b[i] {
			d[i]--
		}
		m += d[i] / n
	}
	var v float64
	for _, x := range d {
		v += (x - m) * (x - m)
	}
	se := math.Sqrt(v / math.Max(n-1, 1) / n)
	return m, m - 1.96*se, m + 1.96*se
}

// sampleAll draws one image per prompt in batches, timing the wall and
// CPU seconds; image i has the noise stream (seed, i).
func sampleAll(ctx context.Context, m *textimage.Model, prompts []string, s settings, w float64) (*tensor.Tensor, float64, float64, error) {
	size := m.Spec.ImageSize
	all := tensor.New(len(prompts), 3, size, size)
	per := all.Len() / max(len(prompts), 1)
	start, cpu0 := time.Now(), cputime.Seconds()
	for lo := 0; lo < len(prompts); lo += s.batch {
		hi := min(lo+s.batch, len(prompts))
		x, err := m.Sample(ctx, prompts[lo:hi], textimage.SampleOptions{Sampler: sampler.Spec{Name: s.samplerName, Steps: s.steps},
			Guidance: w, Seed: s.seed, First: lo, Threshold: true})
		if err != nil {
			return nil, 0, 0, err
		}
		copy(all.Data[lo*per:hi*per], x.Data)
	}
	return all, time.Since(start).Seconds(), cputime.Seconds() - cpu0, nil
}

type stats struct {
	Space           string  `json:"space"`
	Steps           int     `json:"train_steps"`
	Batch           int     `json:"train_batch"`
	TrainSeconds    float64 `json:"train_seconds"`
	TrainImagesPerS float64 `json:"train_images_per_second"`
	TrainImagesCPU  float64 `json:"train_images_per_cpu_second"`
	SampleWallPerS  float64 `json:"sample_images_per_second_wall"`
	SampleCPUPerS   float64 `json:"sample_images_per_cpu_second"`
	FD              float64 `json:"fd"`
	Floor           float64 `json:"fd_floor"`
	CatAcc          float64 `json:"category_accuracy"`
	SubAcc          float64 `json:"subcategory_accuracy"`
	N               int     `json:"n"`
}

type row2 struct {
	Split    string  `json:"split"`
	What     string  `json:"what"`
	Guidance float64 `json:"guidance,omitempty"`
	N        int     `json:"n"`
	Cat      float64 `json:"category_accuracy"`
	Sub      float64 `json:"subcategory_accuracy"`
	// Margins over the unconditional sample (guided rows).
	SubMargin, SubLo, SubHi float64
	CatMargin, CatLo, CatHi float64
}

func run(ctx context.Context, s settings, w io.Writer) error {
	set, err := emoji.Open(s.emojiDir)
	if err != nil {
		return err
	}
	sp := set.Split(s.heldOut, s.splitSeed)
	var net *classifier.EmojiNet
	var meta map[string]string
	if s.clfPath == "" {
		net, meta, err = classifier.LoadEmoji()
	} else {
		net, meta, err = classifier.LoadEmojiFile(s.clfPath)
	}
	if err != nil {
		return err
	}
	sc := scorer{net: net, set: set}
	var b strings.Builder
	fmt.Fprintf(&b, "Emoji classifier: held-out pictures (names never trained on) category accuracy %s, subcategory %s; sampler %s, %d steps; seed %d; %s, %d cores.\n\n",
		meta["heldout_category_accuracy"], meta["heldout_subcat_accuracy"], s.samplerName, s.steps, s.seed, runtime.Version(), runtime.NumCPU())
	result := map[string]any{"classifier": meta}

	// Table 1.
	if s.nFD > len(sp.Train)/2 {
		return fmt.Errorf("-n-fd %d: want at most half the %d training pictures", s.nFD, len(sp.Train))
	}
	perm := tensor.NewRNG(s.seed).Perm(len(sp.Train))
	refIdx, otherIdx := make([]int, s.nFD), make([]int, s.nFD)
	for i := range s.nFD {
		refIdx[i], otherIdx[i] = sp.Train[perm[i]], sp.Train[perm[s.nFD+i]]
	}
	ref, err := set.Batch(refIdx)
	if err != nil {
		return err
	}
	other, err := set.Batch(otherIdx)
	if err != nil {
		return err
	}
	refF, err := net.Embed(ref)
	if err != nil {
		return err
	}
	otherF, err := net.Embed(other)
	if err != nil {
		return err
	}
	floor, err := metrics.FrechetDistance(refF, otherF)
	if err != nil {
		return err
	}
	refCat, refSub, err := sc.labels(refIdx)
	if err != nil {
		return err
	}
	prompts := set.Captions(refIdx)
	var rows []stats
	models := map[string]*textimage.Model{}
	for _, run := range []struct{ space, dir string }{{textimage.Pixel, s.pixel}, {textimage.Latent, s.latent}} {
		if run.dir == "" {
			continue
		}
		ckpt, err := jobs.NewestCheckpoint(run.dir)
		if err != nil {
			return err
		}
		m, err := textimage.Load(ckpt, "", true)
		if err != nil {
			return err
		}
		if m.Spec.Space != run.space {
			return fmt.Errorf("%s: a %s-space model given as -%s", run.dir, m.Spec.Space, run.space)
		}
		models[run.space] = m
		st := stats{Space: run.space, N: s.nFD, Floor: floor}
		var ts textimage.TrainStats
		if raw, err := os.ReadFile(filepath.Join(run.dir, textimage.StatsFile)); err == nil && json.Unmarshal(raw, &ts) == nil {
			st.Steps, st.Batch, st.TrainSeconds, st.TrainImagesPerS = ts.Steps, ts.Batch, ts.TrainSeconds, ts.ImagesPerSecond
			st.TrainImagesCPU = float64((ts.Steps-ts.FirstStep)*ts.Batch) / math.Max(ts.TrainCPUSeconds, 1e-9)
		}
		x, wall, cpu, err := sampleAll(ctx, m, prompts, s, s.fdGuidance)
		if err != nil {
			return err
		}
		st.SampleWallPerS, st.SampleCPUPerS = float64(s.nFD)/wall, float64(s.nFD)/math.Max(cpu, 1e-9)
		f, err := net.Embed(x)
		if err != nil {
			return err
		}
		if st.FD, err = metrics.FrechetDistance(refF, f); err != nil {
			return err
		}
		c, sb, err := sc.correct(x, refCat, refSub)
		if err != nil {
			return err
		}
		st.CatAcc, st.SubAcc = mean(c), mean(sb)
		rows = append(rows, st)
		fmt.Fprintf(os.Stderr, "tables: %s: FD %.2f (floor %.2f), subcategory %.3f\n", run.space, st.FD, floor, st.SubAcc)
	}
	result["table1"] = rows
	fmt.Fprintf(&b, "Table 1: pixel against latent space. Training as in each run's train-stats.json (CPU seconds are this process's, all threads: under load they are steadier than wall time); %d prompted samples (captions of %d seeded training pictures) at guidance %g; FD against those %d pictures, floor = FD between them and %d other training pictures.\n\n",
		s.nFD, s.nFD, s.fdGuidance, s.nFD, s.nFD)
	fmt.Fprintf(&b, "| space | training steps × batch | training s | training images/s (wall) | training images per CPU-s | sampling images/s (wall) | sampling images per CPU-s | FD | floor | category acc. | subcategory acc. |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %d × %d | %.0f | %.2f | %.2f | %.3f | %.3f | %.2f | %.2f | %.3f | %.3f |\n", r.Space, r.Steps, r.Batch, r.TrainSeconds, r.TrainImagesPerS,
			r.TrainImagesCPU, r.SampleWallPerS, r.SampleCPUPerS, r.FD, r.Floor, r.CatAcc, r.SubAcc)
	}
	if len(rows) == 2 && rows[0].SampleCPUPerS > 0 {
		fmt.Fprintf(&b, "\nLatent sampling per CPU-second is %.2f× pixel sampling at %d steps.\n", rows[1].SampleCPUPerS/rows[0].SampleCPUPerS, s.steps)
	}
	b.WriteString("\n")

	// Table 2.
	if m := models[s.table2]; m != nil {
		t2, err := table2(ctx, m, sc, sp, s, &b)
		if err != nil {
			return err
		}
		result["table2"] = t2
	}
	fmt.Fprint(w, b.String())
	if s.out != "" {
		if err := os.WriteFile(s.out, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	if s.jsonOut != "" {
		raw, err := json.MarshalIndent(result, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(s.jsonOut, raw, 0o644)
	}
	return nil
}

// distinctNames returns one item per distinct caption of idx, in caption
// order.
func distinctNames(set *emoji.Set, idx []int) []int {
	first := map[string]int{}
	for _, i := range idx {
		if _, ok := first[set.Items[i].Caption]; !ok {
			first[set.Items[i].Caption] = i
		}
	}
	names := make([]string, 0, len(first))
	for c := range first {
		names = append(names, c)
	}
	sort.Strings(names)
	out := make([]int, len(names))
	for i, c := range names {
		out[i] = first[c]
	}
	return out
}

func table2(ctx context.Context, m *textimage.Model, sc scorer, sp emoji.Split, s settings, b *strings.Builder) ([]row2, error) {
	set := sc.set
	trainNames := distinctNames(set, sp.Train)
	rng := tensor.NewRNG(s.seed + 7)
	if s.trainCaps < len(trainNames) {
		perm := rng.Perm(len(trainNames))
		sub := make([]int, s.trainCaps)
		for i := range sub {
			sub[i] = trainNames[perm[i]]
		}
		sort.Ints(sub)
		trainNames = sub
	}
	// Same-category real pictures of other names, from the training split.
	byCat := map[string][]int{}
	for _, i := range sp.Train {
		byCat[set.Items[i].Category] = append(byCat[set.Items[i].Category], i)
	}
	var rows []row2
	for _, split := range []struct {
		name  string
		items []int
	}{{"training captions", trainNames}, {"held-out captions", distinctNames(set, sp.Test)}} {
		var items []int
		for _, i := range split.items {
			for range s.perCaption {
				items = append(items, i)
			}
		}
		wantCat, wantSub, err := sc.labels(items)
		if err != nil {
			return nil, err
		}
		prompts := set.Captions(items)
		// Baseline 1: a random real picture of the same category, another name.
		real := make([]int, len(items))
		for k, i := range items {
			pool := byCat[set.Items[i].Category]
			for {
				j := pool[rng.Intn(len(pool))]
				if set.Items[j].Caption != set.Items[i].Caption || len(pool) == 1 {
					real[k] = j
					break
				}
			}
		}
		rx, err := set.Batch(real)
		if err != nil {
			return nil, err
		}
		rc, rs, err := sc.correct(rx, wantCat, wantSub)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row2{Split: split.name, What: "real picture, same category", N: len(items), Cat: mean(rc), Sub: mean(rs)})
		// Baseline 2: unconditional samples from the same noise.
		empty := make([]string, len(items))
		ux, _, _, err := sampleAll(ctx, m, empty, s, 1)
		if err != nil {
			return nil, err
		}
		uc, us, err := sc.correct(ux, wantCat, wantSub)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row2{Split: split.name, What: "unconditional sample", N: len(items), Cat: mean(uc), Sub: mean(us)})
		for _, w := range s.guidance {
			gx, _, _, err := sampleAll(ctx, m, prompts, s, w)
			if err != nil {
				return nil, err
			}
			gc, gs, err := sc.correct(gx, wantCat, wantSub)
			if err != nil {
				return nil, err
			}
			r := row2{Split: split.name, What: "guided sample", Guidance: w, N: len(items), Cat: mean(gc), Sub: mean(gs)}
			r.SubMargin, r.SubLo, r.SubHi = pairedCI(gs, us)
			r.CatMargin, r.CatLo, r.CatHi = pairedCI(gc, uc)
			rows = append(rows, r)
			fmt.Fprintf(os.Stderr, "tables: %s, guidance %g: subcategory %.3f (unconditional %.3f)\n", split.name, w, r.Sub, mean(us))
		}
	}
	fmt.Fprintf(b, "Table 2: prompted generation (%s-space model), %d sample(s) per caption, one caption per distinct name; accuracy is the classifier's agreement with the caption's category and subcategory; margin = guided − unconditional on the same noise, with its 95%% interval.\n\n", m.Spec.Space, s.perCaption)
	fmt.Fprintf(b, "| captions | images | category acc. | subcategory acc. | subcategory margin [95%% CI] | category margin [95%% CI] |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		what := r.What
		margin, cmargin := "", ""
		if r.What == "guided sample" {
			what = fmt.Sprintf("guided, w = %g", r.Guidance)
			margin = fmt.Sprintf("%+.3f [%+.3f, %+.3f]", r.SubMargin, r.SubLo, r.SubHi)
			cmargin = fmt.Sprintf("%+.3f [%+.3f, %+.3f]", r.CatMargin, r.CatLo, r.CatHi)
		}
		fmt.Fprintf(b, "| %s (%d) | %s | %.3f | %.3f | %s | %s |\n", r.Split, r.N, what, r.Cat, r.Sub, margin, cmargin)
	}
	return rows, nil
}
