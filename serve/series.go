package serve

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/series"
	"github.com/diffusego/diffusego/series/csdi"
)

// SeriesParams are the parameters of the series kinds (`diffuse series
// impute` and `forecast`): the series is the text of a CSV file (a time
// column and the model's numeric columns), sent in CSV.
type SeriesParams struct {
	CSV       string    `json:"csv,omitempty"`     // the CSV file's text; cells NA, empty … are missing
	Time      string    `json:"time,omitempty"`    // time column (default: date, time, timestamp, datetime or ds)
	ID        string    `json:"id,omitempty"`      // series-id column of a long file
	N         int       `json:"n"`                 // samples per cell
	Steps     int       `json:"steps"`             // denoising steps (0: all the training steps)
	Seed      uint64    `json:"seed"`              //
	Quantiles []float64 `json:"quantiles"`         // written beside the median
	Variance  string    `json:"variance"`          // small (the posterior's, as CSDI) or large (β)
	Spread    float64   `json:"spread"`            // each cell's samples scaled about their median (1: off), as --spread
	Horizon   int       `json:"horizon,omitempty"` // series_forecast: rows to forecast
	Column    string    `json:"column,omitempty"`  // column of the fan chart (default: the first)

	kind string
}

func newSeriesParams(kind string) *SeriesParams {
	p := &SeriesParams{N: 100, Seed: 1, Quantiles: []float64{0.05, 0.25, 0.75, 0.95}, Variance: "small", Spread: 1, kind: kind}
	if kind == "series_forecast" {
		p.Horizon = 7
	}
	return p
}

// readSeries parses the uploaded CSV b as `diffuse series` reads a file.
func (p *SeriesParams) readSeries(b []byte) (*series.Series, error) {
	t, err := data.ParseCSV(bytes.NewReader(b), "params.csv")
	if err != nil {
		return nil, err
	}
	return series.FromTable(t, series.Options{Time: p.Time, ID: p.ID})
}

func (p *SeriesParams) check(m *Model, in map[string][]byte, lim Limits) *APIError {
	c := m.Series.Config
	if e := firstErr(rangeInt("params.n", p.N, 1, 1000), rangeInt("params.steps", p.Steps, 0, c.Steps)); e != nil {
		return e
	}
	if len(p.Quantiles) > 16 {
		return badField("params.quantiles", CodeOutOfRange, "want at most 16 quantiles, got %d", len(p.Quantiles))
	}
	for i, q := range p.Quantiles {
		if !(q > 0 && q < 1) {
			return badField(fmt.Sprintf("params.quantiles[%d]", i), CodeOutOfRange, "want a number in (0, 1), got %g", q)
		}
	}
	if p.Variance != "small" && p.Variance != "large" {
		return badField("params.variance", CodeInvalid, "want small or large, got %q", p.Variance)
	}
	if !(p.Spread > 0 && p.Spread <= 100) {
		return badField("params.spread", CodeOutOfRange, "want a positive factor up to 100 (1: off), got %g", p.Spread)
	}
	if p.kind == "series_impute" && p.Horizon != 0 {
		return badField("params.horizon", CodeInvalid, "series_impute jobs take no horizon (series_forecast does)")
	}
	if p.kind == "series_forecast" {
		if e := rangeInt("params.horizon", p.Horizon, 1, c.Window-1); e != nil {
			e.Message += fmt.Sprintf(" (the model's window is %d rows and must keep one row of history)", c.Window)
			return e
		}
	}
	if p.CSV == "" {
		return badField("params.csv", CodeInvalid, "want the text of a CSV file with a time column and the columns %s, got nothing", strings.Join(c.Columns, ", "))
	}
	if len(p.CSV) > lim.MaxUpload {
		return &APIError{Status: 413, Code: CodeTooLarge, Field: "params.csv",
			Message: fmt.Sprintf("params.csv: %d bytes, over the upload limit of %d", len(p.CSV), lim.MaxUpload)}
	}
	b := []byte(p.CSV)
	s, err := p.readSeries(b)
	if err != nil {
		return badField("params.csv", CodeBadTable, "%v", err)
	}
	if !slices.Equal(s.Columns, c.Columns) {
		return badField("params.csv", CodeBadTable, "numeric columns %q: the model was trained on %q", s.Columns, c.Columns)
	}
	if p.Column != "" && !slices.Contains(s.Columns, p.Column) {
		return badField("params.column", CodeInvalid, "want one of %q, got %q", s.Columns, p.Column)
	}
	if c.Unconditional {
		return badField("model", CodeInvalid, "model %q is unconditional: it cannot impute or forecast", m.Name)
	}
	switch need := c.Window - p.Horizon; {
	case p.kind == "series_impute" && s.Len() < c.Window:
		return badField("params.csv", CodeBadTable, "%d rows, shorter than one window of the model (%d rows)", s.Len(), c.Window)
	case p.kind == "series_forecast" && s.Len() < need:
		return badField("params.csv", CodeBadTable, "%d rows: a %d-row forecast needs %d rows of history", s.Len(), p.Horizon, need)
	}
	in["data.csv"] = b
	p.CSV = ""
	return nil
}

func (p *SeriesParams) run(e *runEnv) error {
	m := e.model.Series
	s, err := p.readSeries(e.inputs["data.csv"])
	if err != nil {
		return fmt.Errorf("input data.csv: %w", err)
	}
	// The worker runs one job of a model at a time, so the sampling
	// settings can live on the model for the call.
	m.SampleSteps, m.LargeVariance, m.Spread = p.Steps, p.Variance == "large", p.Spread
	batch := m.Batch
	if batch <= 0 {
		batch = 64
	}
	l := m.Config.Window
	windows := 1
	if p.kind == "series_impute" {
		windows = 0
		for done := 0; done < s.Len(); windows++ {
			done = min(done, s.Len()-l) + l
		}
	}
	total := windows * ((p.N + batch - 1) / batch) * len(csdi.Timesteps(m.Config.Steps, m.SampleSteps))
	step := 0
	m.OnStep = func() { step++; e.progress(step, total) }
	defer func() { m.OnStep = nil }()

	var samples [][][]float64
	var times []string
	var fan series.Fan
	name := "imputed.csv"
	if p.kind == "series_impute" {
		if samples, err = m.Impute(e.ctx, s, p.N, p.Seed); err != nil {
			return err
		}
		times = csdi.TimeLabels(s.Times, s.Steps)
	} else {
		if samples, err = m.Forecast(e.ctx, s, p.Horizon, p.N, p.Seed); err != nil {
			return err
		}
		times = csdi.TimeLabels(csdi.NextTimes(s, p.Horizon))
		name = "forecast.csv"
	}
	d := max(0, slices.Index(s.Columns, p.Column))
	if p.kind == "series_impute" {
		fan = csdi.ImputeFan(s, samples, d)
	} else {
		fan = csdi.ForecastFan(s, samples, d)
	}
	meta := map[string]string{"kind": p.kind, "model": e.model.Source, "checkpoint_sha256": e.model.Hash, "n": strconv.Itoa(p.N),
		"steps": strconv.Itoa(p.Steps), "seed": strconv.FormatUint(p.Seed, 10), "variance": p.Variance,
		"spread": strconv.FormatFloat(p.Spread, 'g', -1, 64)}
	if p.kind == "series_forecast" {
		meta["horizon"] = strconv.Itoa(p.Horizon)
	}
	var b bytes.Buffer
	if err := csdi.WriteQuantileCSV(&b, s.TimeName, s.Columns, times, samples, p.Quantiles); err != nil {
		return err
	}
	if err := e.write(name, meta, func(w io.Writer) error { _, err := w.Write(b.Bytes()); return err }); err != nil {
		return err
	}
	title := fmt.Sprintf("%s: %s, %d samples", s.Columns[d], strings.TrimPrefix(p.kind, "series_"), p.N)
	img, err := series.FanChart(fan, series.FanOptions{Title: title, XLabel: "row", YLabel: s.Columns[d]})
	if err != nil {
		return err
	}
	fanMeta := map[string]string{"column": s.Columns[d]}
	for k, v := range meta {
		fanMeta[k] = v
	}
	return e.write("fan.png", fanMeta, func(w io.Writer) error { return pngout.Encode(w, img, fanMeta) })
}
