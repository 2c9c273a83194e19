package main

// variants.go: -table variants scores the cached probes of -table probe
// with candidate recipes (which steps, grid, density per level or per
// layer, k-NN, ensembles z-scored on the normal validation images) and
// prints their AUROC per class, so that one recipe, the same for every
// class, can be picked and made the library's score.

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/diffusego/diffusego/anomaly"
	"github.com/diffusego/diffusego/baseline"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tensor"
)

// vecs is one image set's vectors: rows of float64.
type vecs [][]float64

// component is one score computed on the validation and test images.
type component struct {
	val, eval []float64
}

var extraVariants = flag.Bool("extra", false, "-table variants: the second set of variants (grids combined, raw features, other k)")

func runVariants(s settings) error {
	_, testLabels, err := data.LoadFashionMNIST(s.dir, "test")
	if err != nil {
		return err
	}
	type result struct {
		class int
		auc   map[string]float64
	}
	var order []string
	var results []result
	for _, c := range s.classes {
		pf, err := loadProbe(filepath.Join(s.runs, fmt.Sprintf("probe-class-%d.gob", c)))
		if err != nil {
			return err
		}
		anomalous := make([]bool, pf.Eval)
		for i, l := range testLabels[:pf.Eval] {
			anomalous[i] = l != c
		}
		refN := min(s.ref, len(pf.Ref))
		comps := map[string]component{}
		var names []string
		add := func(name string, cp component) {
			if _, ok := comps[name]; !ok {
				names = append(names, name)
			}
			comps[name] = cp
		}
		// Per (grid, step): the normalised per-level vectors, split by layer.
		type key struct{ grid, step int }
		levels := map[key][3]vecs{} // ref, val, eval: the whole level block
		layers := map[key][3][]vecs{}
		logErr := map[int][3]vecs{}
		sets := []string{"ref", "val", "eval"}
		for _, grid := range pf.Grids {
			for _, t := range append([]int{0}, pf.Steps...) {
				var lv [3]vecs
				var ly [3][]vecs
				for k, name := range sets {
					ps := pf.Sets[name]
					f := ps.features(pf, []int{t}, grid)
					n := ps.N
					if name == "ref" {
						n = refN
					}
					d := f.Enc.Dim(1)
					lv[k] = make(vecs, n)
					ly[k] = make([]vecs, len(pf.Layers))
					for j := range ly[k] {
						ly[k][j] = make(vecs, n)
					}
					for i := range n {
						row := f.Enc.Data[i*d : (i+1)*d]
						lv[k][i] = to64(row)
						off := 0
						for j, ch := range pf.Layers {
							w := ch * grid * grid
							ly[k][j][i] = to64(row[off : off+w])
							off += w
						}
					}
					if t > 0 && grid == 1 {
						e := logErr[t]
						e[k] = make(vecs, n)
						for i := range n {
							e[k][i] = []float64{math.Log(f.Err[i][0] + 1e-12)}
						}
						logErr[t] = e
					}
				}
				levels[key{grid, t}] = lv
				layers[key{grid, t}] = ly
			}
		}
		concat := func(parts ...[3]vecs) [3]vecs {
			var out [3]vecs
			for k := range 3 {
				n := len(parts[0][k])
				out[k] = make(vecs, n)
				for i := range n {
					for _, p := range parts {
						out[k][i] = append(out[k][i], p[k][i]...)
					}
				}
			}
			return out
		}
		maha := func(v [3]vecs) (component, error) {
			g, err := anomaly.FitGaussian(v[0])
			if err != nil {
				return component{}, err
			}
			var cp component
			for k, dst := range []*[]float64{nil, &cp.val, &cp.eval} {
				if k == 0 {
					continue
				}
				for _, x := range v[k] {
					m, err := g.Mahalanobis(x)
					if err != nil {
						return component{}, err
					}
					*dst = append(*dst, m)
				}
			}
			return cp, nil
		}
		knn := func(v [3]vecs, k int) (component, error) {
			ref := toTensor(v[0])
			var cp component
			for j, dst := range []*[]float64{&cp.val, &cp.eval} {
				_, dist, err := baseline.KNearest(ref, toTensor(v[j+1]), k)
				if err != nil {
					return component{}, err
				}
				for _, ds := range dist {
					m := 0.0
					for _, x := range ds {
						m += x / float64(len(ds))
					}
					*dst = append(*dst, m)
				}
			}
			return cp, nil
		}
		sum := func(cps ...component) component {
			var out component
			out.val = make([]float64, len(cps[0].val))
			out.eval = make([]float64, len(cps[0].eval))
			for _, cp := range cps {
				for i, v := range cp.val {
					out.val[i] += v
				}
				for i, v := range cp.eval {
					out.eval[i] += v
				}
			}
			return out
		}
		zsum := func(cps ...component) component {
			var zs []component
			for _, cp := range cps {
				m, sd := meanSD(cp.val)
				z := component{val: make([]float64, len(cp.val)), eval: make([]float64, len(cp.eval))}
				for i, v := range cp.val {
					z.val[i] = (v - m) / sd
				}
				for i, v := range cp.eval {
					z.eval[i] = (v - m) / sd
				}
				zs = append(zs, z)
			}
			return sum(zs...)
		}
		type ckey struct {
			kind       string
			grid, step int
		}
		cache := map[ckey]component{}
		comp := func(kind string, grid, t int) (component, error) {
			if cp, ok := cache[ckey{kind, grid, t}]; ok {
				return cp, nil
			}
			var cp component
			switch kind {
			case "level":
				v := levels[key{grid, t}]
				if t > 0 {
					v = concat(v, logErr[t])
				}
				cp, err = maha(v)
			case "layer":
				ly := layers[key{grid, t}]
				var parts []component
				for j := range pf.Layers {
					p, err := maha([3]vecs{ly[0][j], ly[1][j], ly[2][j]})
					if err != nil {
						return component{}, err
					}
					parts = append(parts, p)
				}
				cp = sum(parts...)
			}
			if err != nil {
				return component{}, err
			}
			cache[ckey{kind, grid, t}] = cp
			return cp, nil
		}
		stepSets := [][]int{{100, 250, 400}}
		if *extraVariants {
			stepSets = nil
			steps := []int{100, 250, 400}
			var lv2 [][3]vecs
			var lmRaw []component
			for _, t := range steps {
				lv2 = append(lv2, levels[key{2, t}])
				// per-layer Gaussians of the raw (unnormalised) cell means at grid 2
				g := slices.Index(pf.Grids, 2)
				var raw [3][]vecs
				for k, name := range sets {
					ps := pf.Sets[name]
					sidx := slices.Index(pf.Steps, t) + 1
					n := ps.N
					if name == "ref" {
						n = refN
					}
					d := rawDim(pf.Layers, 2)
					raw[k] = make([]vecs, len(pf.Layers))
					for i := range n {
						row := ps.Act[g][sidx][i*d : (i+1)*d]
						off := 0
						for j, ch := range pf.Layers {
							raw[k][j] = append(raw[k][j], to64(row[off:off+ch*4]))
							off += ch * 4
						}
					}
				}
				for j := range pf.Layers {
					cp, err := maha([3]vecs{raw[0][j], raw[1][j], raw[2][j]})
					if err != nil {
						return err
					}
					lmRaw = append(lmRaw, cp)
				}
			}
			var lm2, lm4 []component
			for _, t := range steps {
				a, err := comp("layer", 2, t)
				if err != nil {
					return err
				}
				b, err := comp("layer", 4, t)
				if err != nil {
					return err
				}
				lm2, lm4 = append(lm2, a), append(lm4, b)
			}
			var lv4 [][3]vecs
			for _, t := range steps {
				lv4 = append(lv4, levels[key{4, t}])
			}
			kn2, err := knn(concat(lv2...), s.k)
			if err != nil {
				return err
			}
			kn4, err := knn(concat(lv4...), s.k)
			if err != nil {
				return err
			}
			for _, k := range []int{1, 10} {
				kn, err := knn(concat(lv2...), k)
				if err != nil {
					return err
				}
				add(fmt.Sprintf("knn k=%d g2", k), kn)
			}
			add("layer maha raw g2", sum(lmRaw...))
			add("z(layer maha raw g2, knn g2)", zsum(sum(lmRaw...), kn2))
			add("z(layer maha g2, knn g2)", zsum(sum(lm2...), kn2))
			add("z(layer maha g4, knn g2)", zsum(sum(lm4...), kn2))
			add("z(layer maha g2, g4, knn g2, g4)", zsum(sum(lm2...), sum(lm4...), kn2, kn4))
		}
		for _, steps := range stepSets {
			if !allCached(pf, steps) {
				continue
			}
			ssName := strings.Trim(strings.Join(strings.Fields(fmt.Sprint(steps)), ","), "[]")
			var errs [][3]vecs
			for _, t := range steps {
				if t > 0 {
					errs = append(errs, logErr[t])
				}
			}
			var em component
			if len(errs) > 0 {
				if em, err = maha(concat(errs...)); err != nil {
					return err
				}
				add("err maha t="+ssName, em)
			}
			for _, grid := range pf.Grids {
				tag := fmt.Sprintf("t=%s g%d", ssName, grid)
				var lv [][3]vecs
				var perLevel, perLayer []component
				for _, t := range steps {
					lv = append(lv, levels[key{grid, t}])
					if grid <= 2 {
						cp, err := comp("level", grid, t)
						if err != nil {
							return err
						}
						perLevel = append(perLevel, cp)
					}
					cp, err := comp("layer", grid, t)
					if err != nil {
						return err
					}
					perLayer = append(perLayer, cp)
				}
				if grid == 1 && len(errs) > 0 {
					cp, err := maha(concat(append(slices.Clone(lv), errs...)...))
					if err != nil {
						return err
					}
					add("joint maha "+tag, cp)
				}
				if perLevel != nil {
					add("level maha "+tag, sum(perLevel...))
				}
				lm := sum(perLayer...)
				add("layer maha "+tag, lm)
				kn, err := knn(concat(lv...), s.k)
				if err != nil {
					return err
				}
				add("knn "+tag, kn)
				add("z(layer maha, knn) "+tag, zsum(lm, kn))
				if len(errs) > 0 {
					add("z(layer maha, knn, err) "+tag, zsum(lm, kn, em))
				}
				fmt.Fprintf(os.Stderr, "class %d: %s\n", c, tag)
			}
		}
		r := result{class: c, auc: map[string]float64{}}
		for _, name := range names {
			r.auc[name] = auroc(comps[name].eval, anomalous)
		}
		results = append(results, r)
		if order == nil {
			order = names
		}
		for _, name := range names {
			fmt.Fprintf(os.Stderr, "class %d | %s | %.4f\n", c, name, r.auc[name])
		}
	}
	fmt.Printf("| variant (ref %d) |", s.ref)
	for _, r := range results {
		fmt.Printf(" %d |", r.class)
	}
	fmt.Println(" mean |")
	fmt.Println("|---|" + strings.Repeat("---|", len(results)+1))
	for _, name := range order {
		fmt.Printf("| %s |", name)
		m := 0.0
		for _, r := range results {
			fmt.Printf(" %.4f |", r.auc[name])
			m += r.auc[name] / float64(len(results))
		}
		fmt.Printf(" %.4f |\n", m)
	}
	return nil
}

func allCached(pf *probeFile, steps []int) bool {
	for _, t := range steps {
		if t > 0 && !slices.Contains(pf.Steps, t) {
			return false
		}
	}
	return true
}

func to64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func toTensor(v vecs) *tensor.Tensor {
	d := len(v[0])
	t := tensor.New(len(v), d)
	for i, r := range v {
		for j, x := range r {
			t.Data[i*d+j] = float32(x)
		}
	}
	return t
}

func meanSD(v []float64) (float64, float64) {
	m := 0.0
	for _, x := range v {
		m += x / float64(len(v))
	}
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m) / float64(len(v)-1)
	}
	return m, math.Sqrt(s)
}
