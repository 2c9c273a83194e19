package serve

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/diffwave"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/graph"
	"github.com/diffusego/diffusego/graph/digress"
	"github.com/diffusego/diffusego/graph/molecule"
	"github.com/diffusego/diffusego/graph/molgen"
	"github.com/diffusego/diffusego/models/shipped"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/network"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/series"
	"github.com/diffusego/diffusego/series/csdi"
	"github.com/diffusego/diffusego/tabular"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/text"
)

// The models of the modality tests are the shipped text model and tiny
// untrained audio, series and molecule models built with the libraries'
// constructors: the jobs' plumbing (validation, progress, outputs) does
// not depend on what the weights learned.

var (
	fortunesOnce sync.Once
	fortunes     *text.Model
	fortunesErr  error
)

func textModel(t testing.TB) *Model {
	t.Helper()
	fortunesOnce.Do(func() {
		fortunes, fortunesErr = text.LoadBytes(shipped.Fortunes(), "shipped:"+shipped.FortunesName, true)
	})
	if fortunesErr != nil {
		t.Fatal(fortunesErr)
	}
	return &Model{Name: "fortunes", Text: fortunes, Source: "shipped:" + shipped.FortunesName, Hash: "fortunes-sha"}
}

// tinyAudio is an untrained audio model of task: 1-s clips at 800 Hz.
func tinyAudio(t testing.TB, task string) *Model {
	t.Helper()
	c := diffwave.DefaultConfig(task)
	c.Rate, c.Samples, c.Patch, c.Channels, c.Layers, c.Cycle, c.Embed, c.Steps = 800, 800, 16, 4, 2, 2, 8, 20
	if task == diffwave.TaskGenerate {
		c.Classes = 3
	}
	m, err := diffwave.New(c, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	return &Model{Name: "audio-" + task, Audio: m, Source: "tiny-" + task, Hash: "audio-sha"}
}

// seriesCSV is a two-column daily series of n rows with a few missing cells.
func seriesCSV(n int, header string) string {
	var b strings.Builder
	b.WriteString(header + "\n")
	for i := range n {
		x := math.Sin(float64(i) / 3)
		y := fmt.Sprintf("%.3f", -x)
		if i%7 == 3 {
			y = "NA"
		}
		fmt.Fprintf(&b, "2024-01-%02d,%.3f,%s\n", i+1, x, y)
	}
	return b.String()
}

// tinySeries is an untrained series model of the columns temp and rain
// with windows of 8 rows.
func tinySeries(t testing.TB) *Model {
	t.Helper()
	tab, err := (&SeriesParams{}).readSeries([]byte(seriesCSV(20, "date,temp,rain")))
	if err != nil {
		t.Fatal(err)
	}
	c := csdi.DefaultConfig(tab.Columns, 0, 8)
	c.Channels, c.Layers, c.Heads, c.TimeEmb, c.FeatureEmb, c.StepEmb, c.Steps = 4, 1, 2, 4, 3, 4, 6
	sc, err := series.FitScaler(tab.Columns, tab.Values)
	if err != nil {
		t.Fatal(err)
	}
	m, err := csdi.NewModel(c, sc, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	return &Model{Name: "weather", Series: m, Source: "tiny-series", Hash: "series-sha"}
}

// tinyMolecules is an untrained molecule generator conditioned on rings.
func tinyMolecules(t testing.TB) *Model {
	t.Helper()
	var ms []*molecule.Molecule
	for _, s := range []string{"CCO", "C1CC1", "CC(=O)N", "C1CCC2CC12", "CCN"} {
		m, err := molecule.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	v := molgen.NewVocab(ms)
	gs := make([]*graph.Graph, len(ms))
	sizes := make([]int, len(ms))
	for i, m := range ms {
		gs[i], _ = v.Graph(m)
		sizes[i] = len(m.Atoms)
	}
	mx, me, err := digress.Marginals(gs, len(v.Atoms), molgen.BondTypes)
	if err != nil {
		t.Fatal(err)
	}
	c := digress.DefaultConfig(len(v.Atoms), molgen.BondTypes, mx, me, sizes)
	c.Layers, c.DX, c.DE, c.DY, c.FFX, c.FFE = 1, 8, 4, 4, 8, 4
	c.Valence = true
	model, err := digress.NewModel(c, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	return &Model{Name: "mol", Molecule: &molgen.Generator{Model: model, Vocab: v}, Source: "tiny-mol", Hash: "mol-sha"}
}

// output reads output name of done job j.
func (h *harness) output(j *Job, name string) []byte {
	h.t.Helper()
	for _, o := range j.Outputs {
		if o.Name == name {
			code, body, _ := h.do("GET", o.URL, alice, nil)
			if code != 200 {
				h.t.Fatalf("GET %s: %d", o.URL, code)
			}
			return body
		}
	}
	h.t.Fatalf("job %s (%s): no output %s among %v", j.ID, j.Kind, name, j.Outputs)
	return nil
}

// lastProgress is the last progress event of events: (step, total).
func lastProgress(t *testing.T, events []sse) (step, total int) {
	t.Helper()
	n := 0
	for _, e := range events {
		if e.Type == "progress" {
			var p struct{ Step, Total int }
			if err := json.Unmarshal(e.Data, &p); err != nil {
				t.Fatal(err)
			}
			step, total = p.Step, p.Total
			n++
		}
	}
	if n == 0 {
		t.Fatal("no progress events")
	}
	return step, total
}

// runJob submits req, streams it to its end and fails unless it is done.
func (h *harness) runJob(req map[string]any) (*Job, []sse) {
	h.t.Helper()
	id := h.submit(alice, req)
	events := h.stream(id, 0, nil)
	j, err := h.srv.store.Get(id)
	if err != nil {
		h.t.Fatal(err)
	}
	if j.State != StateDone {
		h.t.Fatalf("%s job: %s %s", req["kind"], j.State, j.Error)
	}
	return j, events
}

// TestTextJobs runs the three text kinds on the shipped model with 4
// steps: per-step progress, both output files, the bytes text.Generate and
// text.WriteTexts give the CLI for the same settings, the prompt and the
// template's fixed parts kept. About 1 s.
func TestTextJobs(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Models = append(c.Models, textModel(t)) })
	j, events := h.runJob(map[string]any{"kind": "text_sample", "params": map[string]any{"n": 2, "steps": 4, "seed": 3}})
	if step, total := lastProgress(t, events); step != 4 || total != 4 {
		t.Fatalf("last progress %d/%d, want 4/4 (one event per sampler step, the last always sent)", step, total)
	}
	req := text.Request{N: 2, Steps: 4, Seed: 3, Temperature: 1, TopP: 1}
	gen, err := text.Generate(context.Background(), fortunes, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := text.WriteTexts(&want, gen.Texts, text.OutputLines, req, "shipped:"+shipped.FortunesName); err != nil {
		t.Fatal(err)
	}
	if got := h.output(j, "texts.txt"); !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("texts.txt %q, want the CLI's %q", got, want.Bytes())
	}
	var rec map[string]any
	line, _, _ := bytes.Cut(h.output(j, "texts.jsonl"), []byte("\n"))
	if err := json.Unmarshal(line, &rec); err != nil || rec["text"] != gen.Texts[0] || rec["steps"].(float64) != 4 {
		t.Fatalf("texts.jsonl first line %s (%v)", line, err)
	}

	// Its owner cancels a long text job at its next step: cancelled, no outputs.
	long := h.submit(alice, map[string]any{"kind": "text_sample", "params": map[string]any{"n": 1, "steps": 1000}})
	h.stream(long, 0, func(e sse) bool { return e.Type == "progress" })
	if code, out, _ := h.do("POST", "/api/jobs/"+long+"/cancel", alice, nil); code != 202 {
		t.Fatalf("cancel a running text job: %d %s", code, out)
	}
	if c := h.waitFinal(long); c.State != StateCancelled || len(c.Outputs) != 0 {
		t.Fatalf("cancelled text job: %s with %d outputs", c.State, len(c.Outputs))
	}

	j, _ = h.runJob(map[string]any{"kind": "text_complete", "params": map[string]any{"prompt": "A fool and ", "n": 1, "steps": 4, "length": 20}})
	if got := string(h.output(j, "texts.txt")); !strings.HasPrefix(got, "A fool and ") {
		t.Fatalf("completion %q does not start with its prompt", got)
	}
	j, _ = h.runJob(map[string]any{"kind": "text_infill", "params": map[string]any{"infill": "The ____ fox jumps.", "n": 1, "steps": 4}})
	if got := strings.TrimSuffix(string(h.output(j, "texts.txt")), "\n"); !strings.HasPrefix(got, "The ") || !strings.HasSuffix(got, " fox jumps.") {
		t.Fatalf("infill %q lost the template's fixed parts", got)
	}
}

// TestAudioJobs samples clips and denoises an uploaded WAV with tiny
// untrained models: per-step progress, WAV outputs with their settings,
// the spectrogram grid. About 1 s.
func TestAudioJobs(t *testing.T) {
	gen, den := tinyAudio(t, diffwave.TaskGenerate), tinyAudio(t, diffwave.TaskDenoise)
	h := newHarness(t, func(c *Config) { c.Models = append(c.Models, gen, den) })
	j, events := h.runJob(map[string]any{"kind": "audio_sample", "params": map[string]any{"n": 2, "class": 1, "steps": 3, "sampler": "euler"}})
	if step, total := lastProgress(t, events); step != 3 || total != 3 {
		t.Fatalf("last progress %d/%d, want 3/3", step, total)
	}
	clip := h.output(j, "000000_c1.wav")
	a, hdr, err := audio.Decode("clip", clip)
	if err != nil || a.Rate != 800 || a.Len() != 800 {
		t.Fatalf("000000_c1.wav: %v (%+v)", err, hdr)
	}
	if _, err := png.Decode(bytes.NewReader(h.output(j, "grid.png"))); err != nil {
		t.Fatalf("grid.png: %v", err)
	}
	// The same library call gives the same clip bytes.
	x, err := diffwave.Generate(context.Background(), gen.Audio, []int{1, 1}, diffwave.Options{
		Sampler: (&AudioSampleParams{Sampler: "euler", Steps: 3, Temperature: 1}).spec(), Guidance: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := diffwave.EncodeClip(&want, x.Data[:800], 800, j.Outputs[0].Meta); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(clip, want.Bytes()) {
		t.Fatal("the served clip differs from diffwave.Generate's with the same settings")
	}

	noisy := wavBase64(t, 1200, 800) // 1.5 s: two windows, the last padded
	j, events = h.runJob(map[string]any{"kind": "audio_denoise", "params": map[string]any{"audio": noisy, "samples": 2, "steps": 3, "sampler": "euler"}})
	if step, total := lastProgress(t, events); step != 6 || total != 6 {
		t.Fatalf("last progress %d/%d, want 6/6 (2 samples of 3 steps)", step, total)
	}
	a, _, err = audio.Decode("denoised", h.output(j, "denoised.wav"))
	if err != nil || a.Len() != 1200 {
		t.Fatalf("denoised.wav: %v, %d samples, want 1200", err, a.Len())
	}
}

// wavBase64 is n samples of a tone at rate Hz as a base64 16-bit WAV.
func wavBase64(t testing.TB, n, rate int) string {
	x := make([]float64, n)
	for i := range x {
		x[i] = 0.5 * math.Sin(float64(i)/5)
	}
	var b bytes.Buffer
	if err := audio.Encode(&b, audio.Mono(rate, x), audio.PCM16, nil); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

// TestSeriesJobs imputes and forecasts an uploaded CSV with a tiny
// untrained model: progress per denoising step, the CSV of medians and
// quantiles, the fan chart. About 1 s.
func TestSeriesJobs(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Models = append(c.Models, tinySeries(t)) })
	csv := seriesCSV(20, "date,temp,rain")
	j, events := h.runJob(map[string]any{"kind": "series_impute", "params": map[string]any{"csv": csv, "n": 5, "quantiles": []float64{0.1, 0.9}}})
	// 20 rows in windows of 8: 3 windows of 6 steps.
	if step, total := lastProgress(t, events); step != 18 || total != 18 {
		t.Fatalf("last progress %d/%d, want 18/18", step, total)
	}
	out := strings.Split(strings.TrimSpace(string(h.output(j, "imputed.csv"))), "\n")
	if out[0] != "date,temp,rain,temp_q0.1,rain_q0.1,temp_q0.9,rain_q0.9" || len(out) != 21 {
		t.Fatalf("imputed.csv header %q, %d lines", out[0], len(out))
	}
	if !strings.HasPrefix(out[1], "2024-01-01,0,") || strings.Contains(out[4], "NA") {
		t.Fatalf("imputed.csv rows %q, %q: want observed cells kept and missing ones filled", out[1], out[4])
	}
	if _, err := png.Decode(bytes.NewReader(h.output(j, "fan.png"))); err != nil {
		t.Fatalf("fan.png: %v", err)
	}
	j, _ = h.runJob(map[string]any{"kind": "series_forecast", "params": map[string]any{"csv": csv, "n": 4, "horizon": 3, "column": "rain"}})
	out = strings.Split(strings.TrimSpace(string(h.output(j, "forecast.csv"))), "\n")
	if len(out) != 4 || !strings.HasPrefix(out[1], "2024-01-21,") || !strings.HasPrefix(out[3], "2024-01-23,") {
		t.Fatalf("forecast.csv %q: want the 3 days after the series", out)
	}
	var p SeriesParams
	if err := json.Unmarshal(j.Params, &p); err != nil || p.CSV != "" {
		t.Fatalf("stored parameters keep the upload (%v): %s", err, j.Params)
	}

	// --spread as the CLI's: the same draws, the medians kept, the
	// quantiles twice as far from them.
	forecast := func(spread float64) [][]float64 {
		j, _ := h.runJob(map[string]any{"kind": "series_forecast", "params": map[string]any{"csv": csv, "n": 5, "horizon": 3,
			"quantiles": []float64{0.1}, "spread": spread}})
		var rows [][]float64
		for _, line := range strings.Split(strings.TrimSpace(string(h.output(j, "forecast.csv"))), "\n")[1:] {
			var row []float64
			for _, f := range strings.Split(line, ",")[1:] {
				v, err := strconv.ParseFloat(f, 64)
				if err != nil {
					t.Fatalf("forecast.csv cell %q: %v", f, err)
				}
				row = append(row, v)
			}
			rows = append(rows, row)
		}
		return rows
	}
	one, two := forecast(1), forecast(2)
	for i := range one {
		for c := range 2 { // temp, rain; then their 0.1 quantiles
			med, q1, q2 := one[i][c], one[i][2+c], two[i][2+c]
			if two[i][c] != med || math.Abs((q2-med)-2*(q1-med)) > 1e-4*(1+math.Abs(q2)) || q1 == med { // the CSV holds 6 significant digits
				t.Fatalf("row %d column %d: medians %g, %g; 0.1 quantiles %g at spread 1, %g at spread 2: want the median kept and the quantile twice as far", i, c, med, two[i][c], q1, q2)
			}
		}
	}
}

// TestMoleculeJobs samples molecules with a tiny untrained generator:
// progress per reverse step; the SMILES file lists every sample (valid or a comment saying why not)
// and the grid is a PNG with the settings.
func TestMoleculeJobs(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Models = append(c.Models, tinyMolecules(t)) })
	j, events := h.runJob(map[string]any{"kind": "molecule_sample", "params": map[string]any{"n": 4, "steps": 5}})
	if step, total := lastProgress(t, events); step != 5 || total != 5 {
		t.Fatalf("last progress %d/%d, want 5/5 (one batch of 5 steps)", step, total)
	}
	lines := strings.Split(strings.TrimSpace(string(h.output(j, "molecules.smi"))), "\n")
	if len(lines) != 4 {
		t.Fatalf("molecules.smi has %d lines, want one per sample: %q", len(lines), lines)
	}
	for i, l := range lines {
		if !strings.Contains(l, fmt.Sprintf("s%03d", i)) {
			t.Fatalf("line %d %q does not name sample s%03d", i, l, i)
		}
	}
	if _, err := png.Decode(bytes.NewReader(h.output(j, "grid.png"))); err != nil {
		t.Fatalf("grid.png: %v", err)
	}
}

// TestModalityBadRequests: bad requests of the new kinds are 4xx naming
// the field and store nothing.
func TestModalityBadRequests(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.Models = append(c.Models, textModel(t), tinyAudio(t, diffwave.TaskDenoise), tinySeries(t))
	})
	notWAV := base64.StdEncoding.EncodeToString([]byte("GIF89a not a wav file at all, not at all"))
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	cases := []struct {
		name, body string
		status     int
		field      string
	}{
		{"unknown kind", `{"kind":"text_translate"}`, 400, "kind"},
		{"missing audio generation model", `{"kind":"audio_sample"}`, 400, "model"},
		{"missing molecule model", `{"kind":"molecule_sample"}`, 400, "model"},
		{"text model for an audio job", `{"kind":"audio_denoise","model":"fortunes"}`, 400, "model"},
		{"prompt outside the vocabulary", `{"kind":"text_complete","params":{"prompt":"naïve ☃"}}`, 400, "params.prompt"},
		{"empty prompt", `{"kind":"text_complete","params":{"prompt":""}}`, 400, "params.prompt"},
		{"infill without the gap marker", `{"kind":"text_infill","params":{"infill":"no gaps here"}}`, 400, "params.infill"},
		{"infill with an empty marker", `{"kind":"text_infill","params":{"infill":"a __ b","gap":""}}`, 400, "params.gap"},
		{"prompt on a sample job", `{"kind":"text_sample","params":{"prompt":"x"}}`, 400, "params.prompt"},
		{"text steps out of range", `{"kind":"text_sample","params":{"steps":0}}`, 400, "params.steps"},
		{"prompt filling the context", js(map[string]any{"kind": "text_complete", "params": map[string]any{"prompt": strings.Repeat("a", 5000)}}), 400, "params.prompt"},
		{"upload not a WAV", `{"kind":"audio_denoise","params":{"audio":"` + notWAV + `"}}`, 400, "params.audio"},
		{"missing WAV", `{"kind":"audio_denoise","params":{}}`, 400, "params.audio"},
		{"CSV with wrong columns", js(map[string]any{"kind": "series_impute", "params": map[string]any{"csv": seriesCSV(20, "date,temp,snow")}}), 400, "params.csv"},
		{"CSV too short", js(map[string]any{"kind": "series_impute", "params": map[string]any{"csv": seriesCSV(5, "date,temp,rain")}}), 400, "params.csv"},
		{"CSV with a bad date", js(map[string]any{"kind": "series_impute", "params": map[string]any{"csv": "date,temp,rain\nyesterday,1,2\n"}}), 400, "params.csv"},
		{"horizon past the window", js(map[string]any{"kind": "series_forecast", "params": map[string]any{"csv": seriesCSV(20, "date,temp,rain"), "horizon": 8}}), 400, "params.horizon"},
		{"spread of zero", js(map[string]any{"kind": "series_impute", "params": map[string]any{"csv": seriesCSV(20, "date,temp,rain"), "spread": 0}}), 400, "params.spread"},
		{"negative spread", js(map[string]any{"kind": "series_forecast", "params": map[string]any{"csv": seriesCSV(20, "date,temp,rain"), "spread": -1}}), 400, "params.spread"},
		{"horizon on an impute job", js(map[string]any{"kind": "series_impute", "params": map[string]any{"csv": seriesCSV(20, "date,temp,rain"), "horizon": 2}}), 400, "params.horizon"},
	}
	for _, c := range cases {
		code, body, _ := h.do("POST", "/api/jobs", alice, c.body)
		var e struct{ Error APIError }
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatalf("%s: answer is not a JSON error: %s", c.name, body)
		}
		if code != c.status || e.Error.Field != c.field || !strings.Contains(e.Error.Message, c.field) {
			t.Errorf("%s: %d %+v; want %d naming %s", c.name, code, e.Error, c.status, c.field)
		}
	}
	if n := h.jobCount(); n != 0 {
		t.Fatalf("%d jobs stored after bad requests, want 0", n)
	}
	code, body, _ := h.do("POST", "/api/jobs", alice, `{"kind":"audio_sample"}`)
	if code != 400 || !strings.Contains(string(body), "--audio") {
		t.Fatalf("a kind without its model: %d %s; want 400 naming the --audio flag", code, body)
	}
	if code, _, _ := h.do("GET", "/api/models", alice, nil); code != http.StatusOK {
		t.Fatal("server harmed")
	}
}

// TestRestoreProgress: denoise and inpaint jobs report every sampler step
// (denoise: steps × samples; inpaint: every move of the RePaint plan).
func TestRestoreProgress(t *testing.T) {
	h := newHarness(t, nil)
	img := pngBase64(t, grey(28, func(x, y int) uint8 { return uint8(x * 9) }))
	_, events := h.runJob(map[string]any{"kind": "denoise", "params": map[string]any{"image": img, "sigma": 0.3, "steps": 3, "samples": 2}})
	if step, total := lastProgress(t, events); step != 6 || total != 6 {
		t.Fatalf("denoise: last progress %d/%d, want 6/6 (2 samples of 3 steps)", step, total)
	}
	_, events = h.runJob(map[string]any{"kind": "inpaint", "params": map[string]any{"image": img, "mask_shape": "left", "steps": 4, "jump": 2, "resample": 2}})
	// RePaint's plan of 4 steps, jumps of 2, 2 passes: more moves than the 4 reverse steps, since it jumps back.
	plan := len(restore.RePaintPlan(4, 2, 2)) - 1
	if step, total := lastProgress(t, events); step != plan || total != plan || plan <= 4 {
		t.Fatalf("inpaint: last progress %d/%d, want %d/%d (every move of the plan)", step, total, plan, plan)
	}
}

// ring is an edge list of a ring of n nodes n0 … n(n−1) with a chord.
func ring(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "n%d n%d\n", i, (i+1)%n)
	}
	b.WriteString("n0 n5\n")
	return b.String()
}

// TestNetworkJobs runs SIR on an uploaded edge list and an IC cascade on
// node-link JSON: the summary is network.MonteCarlo's for the same
// settings, with the mean curve plotted.
func TestNetworkJobs(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Models = append(c.Models, &Model{Name: "network", Network: true}) })
	j, _ := h.runJob(map[string]any{"kind": "network_simulate", "params": map[string]any{"graph": ring(12), "model": "sir",
		"beta": 0.4, "gamma": 0.3, "seeds": []string{"n0"}, "runs": 200, "steps": 30, "seed": 4}})
	var got struct {
		Mean, SE  float64
		Nodes     int
		MeanCurve []float64 `json:"mean_curve"`
	}
	if err := json.Unmarshal(h.output(j, "summary.json"), &got); err != nil {
		t.Fatal(err)
	}
	g, err := network.ParseEdgeList("ring", strings.NewReader(ring(12)), false)
	if err != nil {
		t.Fatal(err)
	}
	want, err := network.MonteCarlo(g, network.SIR{Beta: 0.4, Gamma: 0.3}, []int{0}, 30, 200, 4)
	if err != nil {
		t.Fatal(err)
	}
	if got.Mean != want.Mean || got.SE != want.SE || got.Nodes != 12 || len(got.MeanCurve) != len(want.MeanCurve) {
		t.Fatalf("summary mean %v ± %v of %d nodes, want network.MonteCarlo's %v ± %v of 12", got.Mean, got.SE, got.Nodes, want.Mean, want.SE)
	}
	if _, err := png.Decode(bytes.NewReader(h.output(j, "curve.png"))); err != nil {
		t.Fatalf("curve.png: %v", err)
	}
	js := `{"nodes": [{"name": "a"}, {"name": "b"}, {"name": "c"}], "links": [{"source": 0, "target": 1}, {"source": 1, "target": 2}]}`
	j, _ = h.runJob(map[string]any{"kind": "network_simulate", "params": map[string]any{"graph": js, "model": "ic", "p": 1, "seeds": []string{"a"}, "runs": 10}})
	if err := json.Unmarshal(h.output(j, "summary.json"), &got); err != nil || got.Mean != 3 {
		t.Fatalf("IC with p = 1 on a path of 3 from its end: mean %v (%v), want all 3 nodes", got.Mean, err)
	}
	bad := []struct{ params, field string }{
		{`{"graph":"a b\nb c\n","seeds":["z"]}`, "params.seeds"},
		{`{"graph":"a b 0\n","seeds":["a"]}`, "params.graph"},
		{`{"graph":"{\"nodes\": 3}","seeds":["a"]}`, "params.graph"},
		{`{"graph":"a b\n","seeds":["a"],"model":"seir"}`, "params.model"},
		{`{"graph":"a b\n","seeds":["a"],"model":"sir","beta":2}`, "params.beta"},
		{`{"graph":"a b\n","seeds":["a"],"model":"sir","steps":0}`, "params.steps"},
		{`{"graph":"","seeds":["a"]}`, "params.graph"},
	}
	before := h.jobCount()
	for _, c := range bad {
		code, body, _ := h.do("POST", "/api/jobs", alice, `{"kind":"network_simulate","params":`+c.params+`}`)
		var e struct{ Error APIError }
		json.Unmarshal(body, &e)
		if code != 400 || e.Error.Field != c.field || !strings.Contains(e.Error.Message, c.field) {
			t.Errorf("%s: %d %+v, want 400 naming %s", c.params, code, e.Error, c.field)
		}
	}
	if n := h.jobCount(); n != before {
		t.Fatalf("%d jobs stored by bad requests", n-before)
	}
}

// TestCancelNetworkJob: a network_simulate job cancelled while its runs
// go on stops before its next run and ends cancelled, with no outputs and
// no output folder, within seconds (its runs would take minutes).
func TestCancelNetworkJob(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Models = append(c.Models, &Model{Name: "network", Network: true}) })
	// SIS for 5000 steps on a ring of 200: milliseconds a run, minutes for all.
	id := h.submit(alice, map[string]any{"kind": "network_simulate", "params": map[string]any{"graph": ring(200), "model": "sis",
		"beta": 0.5, "gamma": 0.1, "seeds": []string{"n0"}, "runs": maxNetworkRuns, "steps": 5000}})
	h.stream(id, 0, func(e sse) bool { return e.Type == "progress" })
	if code, out, _ := h.do("POST", "/api/jobs/"+id+"/cancel", alice, nil); code != http.StatusAccepted {
		t.Fatalf("cancel the running job: %d %s, want 202", code, out)
	}
	var j *Job
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		var err error
		if j, err = h.srv.store.Get(id); err != nil {
			t.Fatal(err)
		}
		if Final(j.State) {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("job still %s 10 s after its cancel: the runs should stop at the next one", j.State)
		}
	}
	if j.State != StateCancelled || len(j.Outputs) != 0 {
		t.Fatalf("cancelled network job: %s (%q) with %d outputs, want cancelled with none", j.State, j.Error, len(j.Outputs))
	}
	if _, err := os.Stat(h.srv.outDir(id)); !os.IsNotExist(err) {
		t.Fatalf("cancelled network job left its output folder (%v)", err)
	}
}

// tinyTabular is a tabular model of 40 rows (two numbers and a class)
// trained for 2 iterations, with 20 reverse steps.
func tinyTabular(t testing.TB) *Model {
	t.Helper()
	var b strings.Builder
	b.WriteString("x,y,c\n")
	for i := range 40 {
		fmt.Fprintf(&b, "%d,%.2f,%s\n", i, math.Sin(float64(i)), []string{"a", "b"}[i%2])
	}
	tb, err := data.ParseCSV(strings.NewReader(b.String()), "rows.csv")
	if err != nil {
		t.Fatal(err)
	}
	schema, err := tabular.Infer(tb, &tabular.Config{Target: "c"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := tabular.Parse(tb, schema, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := tabular.TrainModel(context.Background(), f, tabular.ScaleStandard, tabular.ModelConfig{Width: 16, Layers: 1, Steps: 20},
		tabular.TrainOptions{Iters: 2, Batch: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return &Model{Name: "table", Tabular: m, Source: "tiny-table", Hash: "table-sha"}
}

// TestModalityProgress: anomaly, tabular and network jobs report their
// library loop's steps: progress events counting up (the first of them
// below the total) to the total, which is the loop's. The anomaly job: 3
// reconstruction steps, then 2 ELBO terms and the decoder; the tabular
// job: the model's 20 reverse steps; the network job: its 200 runs.
func TestModalityProgress(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.Models = append(c.Models, tinyTabular(t), &Model{Name: "network", Network: true})
	})
	img := pngBase64(t, grey(28, func(x, y int) uint8 { return uint8(x * 9) }))
	for _, c := range []struct {
		req   map[string]any
		total int
	}{
		{map[string]any{"kind": "anomaly", "params": map[string]any{"image": img, "class": 0, "sigmas": []float64{0.5}, "seeds": 1, "steps": 3, "elbo_terms": 2}}, 3 + 3},
		{map[string]any{"kind": "tabular_sample", "params": map[string]any{"n": 30}}, 20},
		{map[string]any{"kind": "network_simulate", "params": map[string]any{"graph": ring(12), "model": "sir",
			"beta": 0.4, "gamma": 0.3, "seeds": []string{"n0"}, "runs": 200, "steps": 30}}, 200},
	} {
		_, events := h.runJob(c.req)
		var steps []int
		for _, e := range events {
			if e.Type != "progress" {
				continue
			}
			var p struct{ Step, Total int }
			if err := json.Unmarshal(e.Data, &p); err != nil {
				t.Fatal(err)
			}
			if p.Total != c.total {
				t.Fatalf("%s: progress %d/%d, want a total of %d", c.req["kind"], p.Step, p.Total, c.total)
			}
			steps = append(steps, p.Step)
		}
		if len(steps) < 2 || steps[0] >= c.total || steps[len(steps)-1] != c.total {
			t.Fatalf("%s: progress steps %v of %d, want intermediate steps up to the total", c.req["kind"], steps, c.total)
		}
		for i := 1; i < len(steps); i++ {
			if steps[i] <= steps[i-1] {
				t.Fatalf("%s: progress steps %v, want them increasing", c.req["kind"], steps)
			}
		}
	}
}

// tinyCond is an untrained conditional image model of task (superres x2
// or paired) on 8×8 grey images.
func tinyCond(t testing.TB, name string, c *pipeline.Cond) *Model {
	t.Helper()
	cfg := unet.Config{ImageSize: 8, InChannels: 2, OutChannels: 1, Channels: 8, ChannelMult: []int{1, 2},
		ResBlocks: 1, AttentionResolutions: []int{}, Heads: 1, Groups: 4}
	p, err := pipeline.New(pipeline.Model{UNet: cfg, Schedule: schedule.Config{Name: "cosine", Steps: 100}, Target: diffusion.Eps, Cond: c}, 1)
	if err != nil {
		t.Fatal(err)
	}
	return &Model{Name: name, Pipeline: p, Hash: name + "-sha"}
}

// TestTranslateProgress: superres and translate jobs report every sampler
// step over their samples.
func TestTranslateProgress(t *testing.T) {
	sr := tinyCond(t, "sr", &pipeline.Cond{Task: pipeline.TaskSuperRes, Factor: 2, Upsample: "bicubic", Channels: 1})
	pair := tinyCond(t, "pair", &pipeline.Cond{Task: pipeline.TaskPaired, Channels: 1})
	h := newHarness(t, func(c *Config) { c.Models = append(c.Models, sr, pair) })
	small := pngBase64(t, grey(4, func(x, y int) uint8 { return uint8(60 * x) }))
	_, events := h.runJob(map[string]any{"kind": "superres", "params": map[string]any{"image": small, "sampler": "euler", "steps": 3, "samples": 2}})
	if step, total := lastProgress(t, events); step != 6 || total != 6 {
		t.Fatalf("superres: last progress %d/%d, want 6/6 (2 samples of 3 steps)", step, total)
	}
	full := pngBase64(t, grey(8, func(x, y int) uint8 { return uint8(30 * y) }))
	_, events = h.runJob(map[string]any{"kind": "translate", "params": map[string]any{"image": full, "sampler": "heun", "steps": 4}})
	if step, total := lastProgress(t, events); step != 4 || total != 4 {
		t.Fatalf("translate: last progress %d/%d, want 4/4", step, total)
	}
}

// TestModalityJobsSurviveARestart: a text job running at a shutdown goes
// back to the queue, and text, series and network jobs left queued run at
// the next start, with their kind and uploads read back from the database.
func TestModalityJobsSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	models := func() []*Model {
		return []*Model{fashion(t), textModel(t), tinySeries(t), {Name: "network", Network: true}, tinyTextImage(t)}
	}
	h := startHarness(t, Config{Data: dir, Models: models()})
	// A long text job holds the text worker; the others wait behind it or on their own workers' queues.
	blocker := h.submit(alice, map[string]any{"kind": "text_sample", "params": map[string]any{"n": 1, "steps": 1000}})
	h.stream(blocker, 0, func(e sse) bool { return e.Type == "progress" })
	ids := []string{
		h.submit(alice, map[string]any{"kind": "text_infill", "params": map[string]any{"infill": "The ____ fox.", "n": 1, "steps": 2}}),
	}
	if err := h.stop(50 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	// Jobs stored while no server runs, as a crash leaves them: queued, with their inputs.
	st, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		kind string
		p    params
		in   map[string][]byte
	}{
		{"series_forecast", &SeriesParams{N: 3, Quantiles: []float64{0.5}, Variance: "small", Horizon: 2, Seed: 1, kind: "series_forecast"},
			map[string][]byte{"data.csv": []byte(seriesCSV(20, "date,temp,rain"))}},
		{"network_simulate", &NetworkParams{Model: "sir", Beta: 0.5, Gamma: 0.5, Seeds: []string{"n0"}, Runs: 20, Steps: 10, Seed: 1},
			map[string][]byte{"graph": []byte(ring(8))}},
		{"textimage_sample", &TextImageParams{Prompt: new("red apple"), N: 1, Guidance: 3, Sampler: "euler", Steps: 2, Temperature: 1, Seed: 1}, nil},
	} {
		b, _ := json.Marshal(q.p)
		j := &Job{ID: newID(), Owner: alice, Kind: q.kind, Model: map[string]string{"series_forecast": "weather", "network_simulate": "network", "textimage_sample": "tiny-t2i"}[q.kind],
			Params: b, State: StateQueued, Created: time.Now(), Outputs: []Output{}}
		if err := st.Insert(j, q.in); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	st.Close()

	h2 := newHarnessAt(t, dir, models())
	// The job that was running went back to the queue at the shutdown: it
	// runs again. Its owner cancels it here to keep the test short; it may
	// already have finished (the caching sampler skips the steps where no
	// character changes), and then it must be done with its outputs.
	code, out, _ := h2.do("POST", "/api/jobs/"+blocker+"/cancel", alice, nil)
	if code != 200 && code != 202 && code != 409 {
		t.Fatalf("cancel the requeued job after the restart: %d %s", code, out)
	}
	switch j := h2.waitFinal(blocker); {
	case j.State == StateCancelled:
	case j.State == StateDone && len(j.Outputs) > 0:
	default:
		t.Fatalf("requeued job: %s %q with %d outputs, want cancelled by its owner or done", j.State, j.Error, len(j.Outputs))
	}
	for i, id := range ids {
		j := h2.waitFinal(id)
		if j.State != StateDone || len(j.Outputs) == 0 {
			t.Fatalf("job %d (%s) after the restart: %s %q with %d outputs, want done", i, j.Kind, j.State, j.Error, len(j.Outputs))
		}
	}
}

// newHarnessAt starts a server on the data folder dir.
func newHarnessAt(t *testing.T, dir string, models []*Model) *harness {
	t.Helper()
	return startHarness(t, Config{Data: dir, Models: models})
}
