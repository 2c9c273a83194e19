package main

// probe.go: -table probe caches what the denoiser says about the
// reference, validation and test images of each class (one gob file per
// class: the raw pooled encoder activations at several steps and grids,
// the per-step errors and the feature reconstructions), so that the
// scores of -table variants are computed from the cache without running
// the network again. The cache is checked against anomaly.Detector.Features
// on a few images before it is written.

import (
	"encoding/gob"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/diffusego/diffusego/anomaly"
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
)

// probeSet is the cache of one image set.
type probeSet struct {
	N int
	// Act[g][s]: N rows of the raw cell means (as search.Pool computes
	// them, before normalising) of every encoder activation, layer after
	// layer, channel-major, at grid Grids[g]; s = 0 is the image itself
	// encoded at t = 0 (search.Embedder, T = 0), s ≥ 1 is Steps[s−1].
	Act [][][]float32
	// Err[s−1][i]: ‖ε̂ − ε‖²/dim at Steps[s−1].
	Err [][]float64
	// Recon[s−1][i]: Features.Recon at Steps[s−1] at grid 1 (whatever grid
	// the scores use), nil for a step
	// not in anomaly.DefaultSteps.
	Recon [][]float64
}

// probeFile is one class's cache.
type probeFile struct {
	Class  int
	Steps  []int
	Grids  []int
	Layers []int // channels of each activation, in pooling order
	Seed   uint64
	Ref    []int // training-set indices of the reference images
	Val    []int // training-set indices of the validation images
	Eval   int   // test images [0, Eval)
	Sets   map[string]*probeSet
}

var probeGrids = []int{1, 2, 4}

// runProbe writes out/oneclass/probe-class-C.gob for each class.
func runProbe(s settings) error {
	steps, err := parseSteps(s.steps)
	if err != nil {
		return err
	}
	test, _, err := data.LoadFashionMNIST(s.dir, "test")
	if err != nil {
		return err
	}
	train, trainLabels, err := data.LoadFashionMNIST(s.dir, "train")
	if err != nil {
		return err
	}
	eval := rows(test, seq(0, s.n))
	for _, c := range s.classes {
		t0 := time.Now()
		var idx []int
		for i, l := range trainLabels {
			if l == c {
				idx = append(idx, i)
			}
		}
		if len(idx) < s.fit+s.val || s.ref > s.fit {
			return fmt.Errorf("class %d: %d training images, want %d + %d and -ref ≤ -fit", c, len(idx), s.fit, s.val)
		}
		ckpt, err := newest(filepath.Join(s.runs, fmt.Sprintf("class-%d", c)))
		if err != nil {
			return err
		}
		p, err := pipeline.Load(ckpt, true)
		if err != nil {
			return err
		}
		pf := &probeFile{Class: c, Steps: steps, Grids: probeGrids, Seed: 1,
			Ref: idx[:s.ref], Val: idx[s.fit : s.fit+s.val], Eval: s.n, Sets: map[string]*probeSet{}}
		for _, a := range search.Activations(p.Net.Encode(autograd.NoGrad(), autograd.NewVar(tensor.New(1, 1, 28, 28)), []float64{0}, nil), search.LayersAll) {
			pf.Layers = append(pf.Layers, a.Dim(1))
		}
		if err := checkProbe(p, pf, eval); err != nil {
			return fmt.Errorf("class %d: %w", c, err)
		}
		for _, set := range []struct {
			name string
			x    *tensor.Tensor
		}{{"val", rows(train, pf.Val)}, {"eval", eval}, {"ref", rows(train, pf.Ref)}} {
			ps, err := probe(p, pf, set.x)
			if err != nil {
				return fmt.Errorf("class %d: %s: %w", c, set.name, err)
			}
			pf.Sets[set.name] = ps
			fmt.Fprintf(os.Stderr, "class %d: %s probed (%d images, %.0f s)\n", c, set.name, ps.N, time.Since(t0).Seconds())
		}
		path := filepath.Join(s.runs, fmt.Sprintf("probe-class-%d.gob", c))
		if err := checkpoint.WriteAtomic(path, func(w io.Writer) error { return gob.NewEncoder(w).Encode(pf) }); err != nil {
			return err
		}
		fmt.Printf("class %d: %s, %.0f s\n", c, path, time.Since(t0).Seconds())
	}
	return nil
}

func parseSteps(list string) ([]int, error) {
	var steps []int
	for _, f := range strings.Split(list, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 0 {
			return nil, fmt.Errorf("-steps: %q is not a time step", f)
		}
		steps = append(steps, v)
	}
	return steps, nil
}

// probe runs the network on x as anomaly.Detector.Features does, keeping
// the raw pooled activations of every grid.
func probe(p *pipeline.Pipeline, pf *probeFile, x *tensor.Tensor) (*probeSet, error) {
	net := p.Net
	emb, err := search.NewEmbedder(net, p.Schedule, search.Options{T: 0, Seed: pf.Seed, Layers: search.LayersAll, Grid: 1})
	if err != nil {
		return nil, err
	}
	n, per, L := x.Dim(0), x.Len()/x.Dim(0), len(pf.Steps)
	root := tensor.NewRNG(pf.Seed)
	eps := make([][]float32, L)
	for l := range pf.Steps {
		eps[l] = root.Split(uint64(l) + 1).Randn(x.Shape[1:]...).Data
	}
	ps := &probeSet{N: n, Act: make([][][]float32, len(pf.Grids)), Err: make([][]float64, L), Recon: make([][]float64, L)}
	for g, grid := range pf.Grids {
		ps.Act[g] = make([][]float32, L+1)
		for s := range ps.Act[g] {
			ps.Act[g][s] = make([]float32, 0, n*rawDim(pf.Layers, grid))
		}
	}
	for l, t := range pf.Steps {
		ps.Err[l] = make([]float64, n)
		if slices.Contains(anomaly.DefaultSteps, t) {
			ps.Recon[l] = make([]float64, n)
		}
	}
	const batch = 100
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		b := hi - lo
		part := tensor.FromData(x.Data[lo*per:hi*per], append([]int{b}, x.Shape[1:]...)...)
		cleanActs := search.Activations(emb.Encode(part), search.LayersAll)
		for g, grid := range pf.Grids {
			ps.Act[g][0] = append(ps.Act[g][0], rawPool(cleanActs, grid)...)
		}
		clean1 := normPool(rawPool(cleanActs, 1), pf.Layers, 1)
		D := len(clean1) / b
		for l, t := range pf.Steps {
			ab := p.Schedule.AlphaBar(t)
			sa, sb := math.Sqrt(ab), math.Sqrt(1-ab)
			xt := tensor.New(part.Shape...)
			for j, v := range part.Data {
				xt.Data[j] = float32(sa*float64(v) + sb*float64(eps[l][j%per]))
			}
			ts, abs := make([]float64, b), make([]float64, b)
			for i := range ts {
				ts[i], abs[i] = float64(t), ab
			}
			g0 := autograd.NoGrad()
			enc := net.Encode(g0, autograd.NewVar(xt), ts, nil)
			acts := search.Activations(enc, search.LayersAll)
			for g, grid := range pf.Grids {
				ps.Act[g][l+1] = append(ps.Act[g][l+1], rawPool(acts, grid)...)
			}
			out := net.Decode(g0, enc).Value
			if p.Model.Target != "eps" {
				return nil, fmt.Errorf("probe: target %q: only eps models are cached", p.Model.Target)
			}
			for i := range b {
				e := 0.0
				for j := range per {
					v := float64(out.Data[i*per+j]) - float64(eps[l][j])
					e += v * v
				}
				ps.Err[l][lo+i] = e / float64(per)
			}
			if ps.Recon[l] == nil {
				continue
			}
			x0 := diffusion.EpsToX0(xt, out, abs)
			for j, v := range x0.Data {
				x0.Data[j] = max(-1, min(1, v))
			}
			rec := normPool(rawPool(search.Activations(emb.Encode(x0), search.LayersAll), 1), pf.Layers, 1)
			for i := range b {
				ps.Recon[l][lo+i] = sqDist32(clean1[i*D:(i+1)*D], rec[i*D:(i+1)*D])
			}
		}
	}
	return ps, nil
}

func sqDist32(a, b []float32) float64 {
	s := 0.0
	for i, v := range a {
		e := float64(v) - float64(b[i])
		s += e * e
	}
	return s
}

func rawDim(layers []int, grid int) int {
	d := 0
	for _, c := range layers {
		d += c * grid * grid
	}
	return d
}

// rawPool returns the (b, D) cell means of acts, as search.Pool computes
// them, without normalising.
func rawPool(acts []*tensor.Tensor, grid int) []float32 {
	n := acts[0].Dim(0)
	d := 0
	for _, a := range acts {
		d += a.Dim(1) * grid * grid
	}
	out := make([]float32, n*d)
	for i := range n {
		off := i * d
		for _, a := range acts {
			c, h, w := a.Dim(1), a.Dim(2), a.Dim(3)
			src := a.Data[i*c*h*w : (i+1)*c*h*w]
			for ch := range c {
				plane := src[ch*h*w : (ch+1)*h*w]
				for r := range grid {
					y0, y1 := r*h/grid, (r+1)*h/grid
					for q := range grid {
						x0, x1 := q*w/grid, (q+1)*w/grid
						var s float64
						for y := y0; y < y1; y++ {
							for _, v := range plane[y*w+x0 : y*w+x1] {
								s += float64(v)
							}
						}
						out[off+(ch*grid+r)*grid+q] = float32(s / float64((y1-y0)*(x1-x0)))
					}
				}
			}
			off += c * grid * grid
		}
	}
	return out
}

// normPool normalises raw rows as search.Pool does: each layer's block to
// unit length, then the row.
func normPool(raw []float32, layers []int, grid int) []float32 {
	d := rawDim(layers, grid)
	out := slices.Clone(raw)
	for i := 0; i < len(out)/d; i++ {
		row := out[i*d : (i+1)*d]
		off := 0
		for _, c := range layers {
			normalize32(row[off : off+c*grid*grid])
			off += c * grid * grid
		}
		normalize32(row)
	}
	return out
}

func normalize32(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := 1 / math.Sqrt(s)
	for i, x := range v {
		v[i] = float32(float64(x) * inv)
	}
}

// checkProbe compares the cache of 12 images with anomaly.Detector.Features
// at the default steps and every cached grid: every number must match bit
// for bit.
func checkProbe(p *pipeline.Pipeline, pf *probeFile, x *tensor.Tensor) error {
	part := rows(x, seq(0, 12))
	ps, err := probe(p, pf, part)
	if err != nil {
		return err
	}
	return compareProbe(p, pf, ps, part)
}

// compareProbe checks the cached ps of the images x against
// anomaly.Detector.Features at every cached grid (the reconstruction
// distances, Features.Recon, at grid 1: the cache has no others).
func compareProbe(p *pipeline.Pipeline, pf *probeFile, ps *probeSet, x *tensor.Tensor) error {
	det := &anomaly.Detector{Pipeline: p, Class: -1}
	for _, grid := range pf.Grids {
		f, err := det.Features(x, anomaly.FeatureOptions{Seed: pf.Seed, Grid: grid})
		if err != nil {
			return err
		}
		mine := ps.features(pf, anomaly.DefaultSteps, grid)
		if !slices.Equal(mine.Enc.Data[:f.Enc.Len()], f.Enc.Data) || !slices.Equal(mine.Widths, f.Widths) {
			return fmt.Errorf("probe check: grid %d: the cached encoder features differ from anomaly.Detector.Features", grid)
		}
		// The cache keeps the reconstructions at grid 1 only.
		for i := range f.Err {
			if !slices.Equal(mine.Err[i], f.Err[i]) || grid == 1 && !slices.Equal(mine.Recon[i], f.Recon[i]) {
				return fmt.Errorf("probe check: image %d: cached errors %v / reconstructions %v, Features gives %v / %v", i, mine.Err[i], mine.Recon[i], f.Err[i], f.Recon[i])
			}
		}
	}
	return nil
}

// runCheckCache compares the first 12 test images of each class's cache
// with anomaly.Detector.Features at every cached grid.
func runCheckCache(s settings) error {
	test, _, err := data.LoadFashionMNIST(s.dir, "test")
	if err != nil {
		return err
	}
	for _, c := range s.classes {
		pf, err := loadProbe(filepath.Join(s.runs, fmt.Sprintf("probe-class-%d.gob", c)))
		if err != nil {
			return err
		}
		ckpt, err := newest(filepath.Join(s.runs, fmt.Sprintf("class-%d", c)))
		if err != nil {
			return err
		}
		p, err := pipeline.Load(ckpt, true)
		if err != nil {
			return err
		}
		ev := pf.Sets["eval"]
		part := &probeSet{N: 12, Err: ev.Err, Recon: ev.Recon, Act: make([][][]float32, len(pf.Grids))}
		for g, grid := range pf.Grids {
			d := rawDim(pf.Layers, grid)
			for _, a := range ev.Act[g] {
				part.Act[g] = append(part.Act[g], a[:12*d])
			}
		}
		if err := compareProbe(p, pf, part, rows(test, seq(0, 12))); err != nil {
			return fmt.Errorf("class %d: %w", c, err)
		}
		fmt.Printf("class %d: the cache of test images 0-11 equals Detector.Features at grids %v\n", c, pf.Grids)
	}
	return nil
}

// features builds anomaly.Features from the cache: the steps given (0 is
// the image at t = 0, which has no error or reconstruction: those are
// left out) at grid.
func (ps *probeSet) features(pf *probeFile, steps []int, grid int) *anomaly.Features {
	g := slices.Index(pf.Grids, grid)
	if g < 0 {
		panic(fmt.Sprintf("grid %d not cached", grid))
	}
	d := rawDim(pf.Layers, grid)
	var blocks [][]float32
	f := &anomaly.Features{Err: make([][]float64, ps.N), Recon: make([][]float64, ps.N)}
	for _, t := range steps {
		s := 0
		if t > 0 {
			s = slices.Index(pf.Steps, t) + 1
			if s == 0 {
				panic(fmt.Sprintf("step %d not cached", t))
			}
		}
		blocks = append(blocks, normPool(ps.Act[g][s], pf.Layers, grid))
		if s == 0 {
			continue
		}
		for i := range ps.N {
			f.Err[i] = append(f.Err[i], ps.Err[s-1][i])
			if ps.Recon[s-1] != nil {
				f.Recon[i] = append(f.Recon[i], ps.Recon[s-1][i])
			}
		}
	}
	for _, c := range pf.Layers {
		f.Widths = append(f.Widths, c*grid*grid)
	}
	L := len(blocks)
	f.Enc = tensor.New(ps.N, L*d)
	for i := range ps.N {
		for l, b := range blocks {
			copy(f.Enc.Data[i*L*d+l*d:i*L*d+(l+1)*d], b[i*d:(i+1)*d])
		}
	}
	return f
}

func loadProbe(path string) (*probeFile, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var pf probeFile
	if err := gob.NewDecoder(fh).Decode(&pf); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &pf, nil
}

// head returns the first n images of f.
func head(f *anomaly.Features, n int) *anomaly.Features {
	d := f.Enc.Dim(1)
	return &anomaly.Features{Enc: tensor.FromData(f.Enc.Data[:n*d], n, d), Err: f.Err[:n], Recon: f.Recon[:n], Widths: f.Widths}
}
