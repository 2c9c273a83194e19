package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/network"
)

// NetworkParams are the parameters of a network_simulate job (`diffuse
// network simulate`): spreading on an uploaded graph, which needs no
// trained model.
type NetworkParams struct {
	Graph    string   `json:"graph,omitempty"` // the graph file's text: node-link JSON (starts with "{") or an edge list
	Directed bool     `json:"directed"`
	Model    string   `json:"model"` // sir, sis, ic or lt
	Beta     float64  `json:"beta"`  // SIR/SIS: infection probability per contact per step
	Gamma    float64  `json:"gamma"` // SIR/SIS: recovery probability per step
	P        float64  `json:"p"`     // IC: activation probability per edge
	Weighted bool     `json:"weighted"`
	Seeds    []string `json:"seeds"` // initially infected or active nodes: names or ids
	Runs     int      `json:"runs"`
	Steps    int      `json:"steps"` // SIR/SIS: steps; IC/LT: most rounds (0: until nothing changes)
	Seed     uint64   `json:"seed"`
}

// maxNetworkRuns bounds the runs of one job (a cancel stops the
// simulation before its next run, so the bound is on the work queued, not
// on how long a cancel takes).
const maxNetworkRuns = 100000

// parseGraph reads the uploaded graph as `diffuse network` reads a file:
// node-link JSON when it starts with "{", an edge list otherwise.
func (p *NetworkParams) parseGraph(b []byte) (*network.Graph, error) {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		return network.ParseJSON("params.graph", b, p.Directed)
	}
	return network.ParseEdgeList("params.graph", bytes.NewReader(b), p.Directed)
}

// model is the spreading model of the parameters.
func (p *NetworkParams) model() (network.Model, *APIError) {
	m, err := network.ModelSpec{Name: p.Model, Beta: p.Beta, Gamma: p.Gamma, P: p.P, Weighted: p.Weighted}.Model()
	var unknown *network.UnknownModelError
	switch {
	case errors.As(err, &unknown):
		return nil, badField("params.model", CodeInvalid, "want sir, sis, ic or lt, got %q", p.Model)
	case err != nil:
		field, _, _ := strings.Cut(err.Error(), " ")
		return nil, badField("params."+strings.Trim(field, ":"), CodeOutOfRange, "%v", err)
	}
	return m, nil
}

func (p *NetworkParams) check(_ *Model, in map[string][]byte, lim Limits) *APIError {
	m, e := p.model()
	if e != nil {
		return e
	}
	if e := firstErr(rangeInt("params.runs", p.Runs, 1, maxNetworkRuns), rangeInt("params.steps", p.Steps, 0, 10000)); e != nil {
		return e
	}
	if _, cascade := m.(network.LiveEdge); !cascade && p.Steps == 0 {
		return badField("params.steps", CodeOutOfRange, "SIR and SIS need ≥ 1 step")
	}
	if p.Graph == "" {
		return badField("params.graph", CodeInvalid, "want the text of a graph file (node-link JSON or an edge list), got nothing")
	}
	if len(p.Graph) > lim.MaxUpload {
		return &APIError{Status: 413, Code: CodeTooLarge, Field: "params.graph",
			Message: fmt.Sprintf("params.graph: %d bytes, over the upload limit of %d", len(p.Graph), lim.MaxUpload)}
	}
	b := []byte(p.Graph)
	g, err := p.parseGraph(b)
	if err != nil {
		return badField("params.graph", CodeBadGraph, "%v", err)
	}
	if len(p.Seeds) == 0 {
		return badField("params.seeds", CodeInvalid, "want at least one node name or id")
	}
	if _, err := g.Resolve(p.Seeds); err != nil {
		return badField("params.seeds", CodeInvalid, "%v", err)
	}
	in["graph"] = b
	p.Graph = ""
	return nil
}

func (p *NetworkParams) run(e *runEnv) error {
	g, err := p.parseGraph(e.inputs["graph"])
	if err != nil {
		return fmt.Errorf("input graph: %w", err)
	}
	m, ae := p.model()
	if ae != nil {
		return ae
	}
	ids, err := g.Resolve(p.Seeds)
	if err != nil {
		return err
	}
	s, err := network.MonteCarloContext(e.ctx, g, m, ids, p.Steps, p.Runs, p.Seed, e.progress)
	if err != nil {
		return err
	}
	res := map[string]any{"model": m.String(), "seeds": g.NamesOf(ids), "runs": s.Runs, "steps": p.Steps, "seed": p.Seed,
		"nodes": g.N(), "what": network.FinalSize(m, p.Steps), "mean": s.Mean, "se": s.SE, "mean_curve": s.MeanCurve}
	meta := map[string]string{"model": m.String(), "runs": strconv.Itoa(s.Runs), "seed": strconv.FormatUint(p.Seed, 10),
		"mean": strconv.FormatFloat(s.Mean, 'g', 6, 64), "se": strconv.FormatFloat(s.SE, 'g', 6, 64)}
	if err := e.write("summary.json", meta, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}); err != nil {
		return err
	}
	img, err := network.SpreadPlot(s, m, "the uploaded graph")
	if err != nil {
		return err
	}
	// The keys `diffuse network simulate --plot` writes.
	pm := map[string]string{"Software": "diffuse network simulate", "Model": m.String()}
	return e.write("curve.png", pm, func(w io.Writer) error { return pngout.Encode(w, img, pm) })
}
