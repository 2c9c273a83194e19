package serve

import (
	"bytes"
	"io"
	"math"
	"strconv"

	"github.com/diffusego/diffusego/graph/molgen"
	"github.com/diffusego/diffusego/internal/pngout"
)

// MoleculeParams are the parameters of a molecule_sample job (`diffuse
// graph sample` with a molecule model).
type MoleculeParams struct {
	N           int     `json:"n"`
	Steps       int     `json:"steps"`
	Temperature float64 `json:"temperature"`
	Rings       int     `json:"rings"`        // ring class asked of a model conditioned on rings; −1: drawn from the training mix
	Guidance    float64 `json:"guidance"`     // classifier-free guidance weight w ≥ 0
	NoCondition bool    `json:"no_condition"` // the unconditional prediction of a conditioned model
	Seed        uint64  `json:"seed"`
}

func (p *MoleculeParams) check(m *Model, _ map[string][]byte, lim Limits) *APIError {
	classes := m.Molecule.Model.Config.Classes
	if e := firstErr(rangeInt("params.n", p.N, 1, lim.MaxImages), rangeInt("params.steps", p.Steps, 1, 1000),
		rangeFloat("params.temperature", p.Temperature, 0.01, 10), rangeFloat("params.guidance", p.Guidance, 0, 30)); e != nil {
		return e
	}
	switch {
	case classes == 0 && p.Rings != -1:
		return badField("params.rings", CodeInvalid, "model %q is not conditioned on rings: want -1, got %d", m.Name, p.Rings)
	case classes == 0 && (p.Guidance != 0 || p.NoCondition):
		return badField("params.guidance", CodeInvalid, "model %q is not conditioned on rings: guidance and no_condition need one that is", m.Name)
	case p.NoCondition && p.Rings != -1:
		return badField("params.no_condition", CodeInvalid, "no_condition and rings %d: choose one", p.Rings)
	}
	return rangeInt("params.rings", p.Rings, -1, max(classes, 1)-1)
}

// options are the generator options, as `diffuse graph sample` makes them.
func (p *MoleculeParams) options() molgen.Options {
	o := molgen.Options{N: p.N, Steps: p.Steps, Temperature: p.Temperature, Class: molgen.AnyClass, Guidance: p.Guidance, Seed: p.Seed}
	if p.Rings >= 0 {
		o.Class = p.Rings
	}
	if p.NoCondition {
		o.Class = molgen.NoClass
	}
	return o
}

func (p *MoleculeParams) run(e *runEnv) error {
	o := p.options()
	gen := e.model.Molecule
	// The worker runs one job of a model at a time, so the progress hook
	// can live on the model for the call.
	step, total := 0, gen.StepCount(o)
	gen.Model.OnStep = func() { step++; e.progress(min(step, total), total) }
	defer func() { gen.Model.OnStep = nil }()
	ms, _, err := gen.Sample(e.ctx, o)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	valid, err := molgen.WriteSMILES(&b, ms)
	if err != nil {
		return err
	}
	// The keys `diffuse graph sample` writes into its picture.
	meta := map[string]string{"checkpoint": e.model.Source, "checkpoint_sha256": e.model.Hash, "seed": strconv.FormatUint(o.Seed, 10),
		"steps": strconv.Itoa(o.Steps), "class": strconv.Itoa(o.Class), "guidance": strconv.FormatFloat(o.Guidance, 'g', -1, 64)}
	smiMeta := map[string]string{"valid": strconv.Itoa(valid), "n": strconv.Itoa(len(ms)),
		"valid_fraction": strconv.FormatFloat(float64(valid)/math.Max(1, float64(len(ms))), 'g', 4, 64)}
	for k, v := range meta {
		smiMeta[k] = v
	}
	if err := e.write("molecules.smi", smiMeta, func(w io.Writer) error { _, err := w.Write(b.Bytes()); return err }); err != nil {
		return err
	}
	img, err := molgen.Grid(ms)
	if err != nil {
		return err
	}
	return e.write("grid.png", meta, func(w io.Writer) error { return pngout.Encode(w, img, meta) })
}
