package serve

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/diffusego/diffusego/data"
)

// browser starts a headless Chromium on the harness's page and collects
// its console; it skips the test when Debian's chromium is missing.
func browser(t *testing.T, h *harness) (context.Context, func() []chromedp.ConsoleMessage) {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("browser tests need the Debian package chromium (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1280, 1000), chromedp.UserDataDir(t.TempDir()))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTime := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelCtx(); cancelAlloc() })
	var mu sync.Mutex
	var msgs []chromedp.ConsoleMessage
	console := chromedp.Console(ctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			mu.Lock()
			msgs = append(msgs, m)
			mu.Unlock()
		}
	}()
	pageConsole = func() []chromedp.ConsoleMessage {
		mu.Lock()
		defer mu.Unlock()
		var bad []chromedp.ConsoleMessage
		for _, m := range msgs {
			if m.Type == chromedp.ConsoleError || m.IsException() {
				bad = append(bad, m)
			}
		}
		return bad
	}
	return ctx, pageConsole
}

// pageConsole returns the console errors of the page under test.
var pageConsole func() []chromedp.ConsoleMessage

// screenshot writes a PNG of the page into $DIFFUSEGO_SERVE_SCREENSHOTS
// (bench/serve_screenshots.sh sets it to docs/serve), if set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("DIFFUSEGO_SERVE_SCREENSHOTS")
	if dir == "" {
		return
	}
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('[id$=state], #gal-page, #feedback, #setup-error')].map(e => e.id + ': ' + e.textContent).join('; ')`))
		var console []chromedp.ConsoleMessage
		if pageConsole != nil {
			console = pageConsole()
		}
		t.Fatalf("%s: %v (page: %s; console errors: %v)", what, err, state, console)
	}
}

func poll(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(2*time.Minute), chromedp.WithPollingInterval(50*time.Millisecond))
}

// leftDown presses the left button (for presses and drags).
func leftDown(p *input.DispatchMouseEventParams) {
	p.Button = input.MouseButtonLeft
	p.Buttons = 1
	p.ClickCount = 1
}

// scrollTo scrolls the element sel into view.
func scrollTo(sel string) chromedp.Action[chromedp.Void] {
	return poll(fmt.Sprintf(`(document.querySelector(%q).scrollIntoView(), true)`, sel))
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// TestBrowser drives the page in headless Chromium: it loads without a
// console error; a generate job shows its progress and a preview and lands
// in the gallery; inpainting a drawn mask returns an image whose unmasked
// pixels equal the input; the text-to-image form draws a prompt's images
// and shows a refused prompt's error; a rating session is recorded.
func TestBrowser(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.Classes = data.FashionMNISTClasses[:]
		c.Models = append(c.Models, textModel(t), emoji(t))
		if x, labels, err := data.LoadFashionMNIST("/usr/share/datasets/fashion-mnist", "test"); err == nil {
			c.Real, c.RealLabels = x, labels
		}
	})
	ctx, consoleErrors := browser(t, h)

	// The page loads with its form filled from /api/models.
	run(t, ctx, "load", chromedp.Navigate(h.hs.URL+"/"), chromedp.WaitVisible("#gen-form"),
		poll(`document.getElementById('gen-sampler').options.length > 5 && document.getElementById('gen-class').options.length == 11`))

	// Generate: progress, a live preview, then the gallery.
	run(t, ctx, "generate",
		chromedp.SetValue(`#gen-form input[name=n]`, "4"), chromedp.SetValue(`#gen-form input[name=steps]`, "15"),
		chromedp.SetValue(`#gen-form input[name=preview_every]`, "3"), chromedp.SetValue(`#gen-form input[name=guidance]`, "3"),
		chromedp.SetValue(`#gen-class`, "7"),
		chromedp.Click("#gen-submit"),
		poll(`document.getElementById('gen-state').textContent.startsWith('done')`),
		poll(`document.querySelectorAll('#gal-cards .card').length === 1`))
	if v, m := eval[float64](t, ctx, `document.getElementById('gen-progress').value`), eval[float64](t, ctx, `document.getElementById('gen-progress').max`); v != 15 || m != 15 {
		t.Fatalf("progress bar at %v of %v, want 15 of 15", v, m)
	}
	if src := eval[string](t, ctx, `document.getElementById('gen-preview').src`); !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Fatalf("no live preview: src %.40q", src)
	}
	jobs, _, err := h.srv.store.List(StateDone, "sample", 10, 0)
	if err != nil || len(jobs) != 1 || len(jobs[0].Outputs) != 4 {
		t.Fatalf("after generating in the page: %d done jobs (%v)", len(jobs), err)
	}
	if card := eval[string](t, ctx, `document.querySelector('#gal-cards .card').dataset.job`); card != jobs[0].ID {
		t.Fatalf("the gallery shows job %s, want the new job %s", card, jobs[0].ID)
	}
	if s := eval[string](t, ctx, `document.querySelector('#gal-cards .card .settings').textContent`); !strings.Contains(s, "Sneaker") || !strings.Contains(s, "15 steps") {
		t.Fatalf("gallery card settings %q: want the class and steps", s)
	}
	screenshot(t, ctx, "generate.png")

	// Inpaint: the newest gallery image, a mask drawn with the mouse.
	run(t, ctx, "inpaint source", chromedp.Navigate(h.hs.URL+"/#inpaint"), poll(`newestImage !== null || document.querySelectorAll('#gal-cards .card').length > 0`),
		chromedp.Click("#in-latest"), poll(`source.getContext('2d').getImageData(0,0,28,28).data.some((v, i) => i % 4 == 0 && v > 0)`),
		scrollTo("#in-canvas"))
	box := eval[[]float64](t, ctx, `(() => { const r = document.getElementById('in-canvas').getBoundingClientRect(); return [r.left, r.top, r.width]; })()`)
	x0, y0, cell := box[0], box[1], box[2]/28
	stroke := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x0+10*cell, y0+12*cell, leftDown)}
	for k := 10; k <= 18; k++ {
		stroke = append(stroke, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x0+float64(k)*cell, y0+14*cell, leftDown))
	}
	stroke = append(stroke, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x0+18*cell, y0+14*cell, leftDown))
	run(t, ctx, "draw", stroke...)
	// Undo removes a second stroke and keeps the first.
	run(t, ctx, "draw and undo", chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x0+3*cell, y0+3*cell, leftDown),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x0+3*cell, y0+3*cell, leftDown), chromedp.Click("#in-undo"))
	filled := eval[int](t, ctx, `Array.from(mask.getContext('2d').getImageData(0,0,28,28).data).filter((v, i) => i % 4 == 0 && v < 128).length`)
	if filled < 9 || eval[int](t, ctx, `mask.getContext('2d').getImageData(3,3,1,1).data[0]`) != 255 {
		t.Fatalf("mask after a stroke and an undone click: %d pixels to fill, or the undo did not restore (3,3)", filled)
	}
	srcURL := eval[string](t, ctx, `source.toDataURL('image/png')`)
	maskURL := eval[string](t, ctx, `mask.toDataURL('image/png')`)
	run(t, ctx, "inpaint", chromedp.SetValue("#in-steps", "4"), chromedp.SetValue("#in-resample", "1"), chromedp.Click("#in-showmask"),
		chromedp.Click("#in-submit"), poll(`document.getElementById('in-state').textContent === 'done' && document.getElementById('in-result').complete`))
	screenshot(t, ctx, "inpaint.png")
	id := eval[string](t, ctx, `document.getElementById('in-result').dataset.job`)
	j, err := h.srv.store.Get(id)
	if err != nil || j.State != StateDone {
		t.Fatalf("inpaint job %s: %v %+v", id, err, j)
	}
	out := decodeFile(t, filepath.Join(h.srv.outDir(id), j.Outputs[0].Name))
	in, mk := decodeDataURL(t, srcURL), decodeDataURL(t, maskURL)
	kept, changed := 0, 0
	for y := range 28 {
		for x := range 28 {
			want := color.GrayModel.Convert(in.At(x, y)).(color.Gray).Y
			got := color.GrayModel.Convert(out.At(x, y)).(color.Gray).Y
			if color.GrayModel.Convert(mk.At(x, y)).(color.Gray).Y >= 128 {
				kept++
				if got != want {
					t.Fatalf("unmasked pixel (%d,%d): %d, want the input's %d", x, y, got, want)
				}
			} else if got != want {
				changed++
			}
		}
	}
	if kept == 28*28 || changed == 0 {
		t.Fatalf("%d kept pixels, %d changed: the drawn mask did not reach the job", kept, changed)
	}

	// Text: fill the gaps of a template; the texts show inline and keep
	// the template's fixed parts. The audio form, with no audio model
	// loaded, says which flag loads one.
	run(t, ctx, "text", chromedp.Navigate(h.hs.URL+"/#text"), poll(`document.getElementById('text-model').options.length === 1`),
		chromedp.SetValue("#text-kind", "text_infill"), poll(`(document.getElementById('text-kind').dispatchEvent(new Event('change')), true)`),
		chromedp.SetValue("#text-infill", "The ____ is mightier than the ____."), chromedp.SetValue("#text-n", "2"),
		chromedp.SetValue("#text-steps", "4"), chromedp.Click("#text-submit"),
		poll(`document.getElementById('text-state').textContent === 'done' && document.querySelectorAll('#text-outputs li').length === 2`),
		scrollTo("#text"))
	for i, s := range eval[[]string](t, ctx, `[...document.querySelectorAll('#text-outputs li')].map(li => li.textContent)`) {
		if !strings.HasPrefix(s, "The ") || !strings.Contains(s, " is mightier than the ") || !strings.HasSuffix(s, ".") {
			t.Fatalf("text %d %q lost the template's fixed parts", i, s)
		}
	}
	if p := eval[float64](t, ctx, `document.getElementById('text-progress').value`); p != 4 {
		t.Fatalf("text progress bar at %v, want 4 (the steps)", p)
	}
	if note := eval[string](t, ctx, `document.getElementById('audio-note').textContent`); !strings.Contains(note, "--audio") {
		t.Fatalf("audio section note %q: want the flag that loads an audio model", note)
	}
	// The modality sections are built from the page's table of sections,
	// with their menu entries in order; those without a model are disabled.
	if nav := eval[string](t, ctx, `[...document.querySelectorAll('nav a')].map(a => a.textContent).join(", ")`); nav !=
		"Generate, Gallery, Denoise / enlarge, Inpaint, Text to image, Text, Audio, Series, Molecules, Networks, Rate, Results" {
		t.Fatalf("menu %q: want the modality sections between Inpaint and Rate", nav)
	}
	if off := eval[bool](t, ctx, `document.getElementById('mol-submit').disabled && !document.getElementById('text-submit').disabled`); !off {
		t.Fatal("the molecule form (no model loaded) should be disabled and the text form (a model loaded) not")
	}
	if dir := os.Getenv("DIFFUSEGO_SERVE_SCREENSHOTS"); dir != "" {
		if b, err := chromedp.Run(ctx, chromedp.Screenshot("#text")); err == nil {
			os.WriteFile(filepath.Join(dir, "text.png"), b, 0o644)
		}
	}

	// Text to image: the form draws a prompt's images with the shipped
	// emoji model and the sampler chosen in the page; a prompt outside
	// the model's vocabulary is refused with the server's words, naming
	// the field.
	run(t, ctx, "text to image", chromedp.Navigate(h.hs.URL+"/#textimage"),
		poll(`document.getElementById('t2i-model').options.length === 1 && document.getElementById('t2i-sampler').options.length > 5`),
		chromedp.SetValue("#t2i-prompt", "Red apple"), chromedp.SetValue("#t2i-n", "2"), chromedp.SetValue("#t2i-steps", "3"),
		chromedp.SetValue("#t2i-sampler", "euler"), chromedp.Click("#t2i-submit"),
		poll(`document.getElementById('t2i-state').textContent === 'done' && [...document.querySelectorAll('#t2i-outputs img')].filter(i => i.complete && i.naturalWidth === 64).length === 2`),
		scrollTo("#textimage"))
	if src := eval[string](t, ctx, `document.getElementById('t2i-preview').src`); !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Fatalf("no live text-to-image preview: src %.40q", src)
	}
	if max, want := eval[int](t, ctx, `document.getElementById('t2i-prompt').maxLength`), emojiModel.Spec.Vocab.MaxLen; max != want {
		t.Fatalf("prompt field maxlength %d, want the model's longest prompt, %d", max, want)
	}
	tj, _, err := h.srv.store.List(StateDone, "textimage_sample", 10, 0)
	if err != nil || len(tj) != 1 || len(tj[0].Outputs) != 2 {
		t.Fatalf("after drawing in the page: %d done textimage jobs (%v)", len(tj), err)
	}
	if m := tj[0].Outputs[1].Meta; m["prompt"] != "Red apple" || m["sampler"] != "euler" || m["steps"] != "3" || m["index"] != "1" {
		t.Fatalf("the page's textimage job wrote settings %v, want prompt Red apple, euler, 3 steps, index 1", m)
	}
	if dir := os.Getenv("DIFFUSEGO_SERVE_SCREENSHOTS"); dir != "" {
		if b, err := chromedp.Run(ctx, chromedp.Screenshot("#textimage")); err == nil {
			os.WriteFile(filepath.Join(dir, "textimage.png"), b, 0o644)
		}
	}
	run(t, ctx, "text to image, bad prompt", chromedp.SetValue("#t2i-prompt", "red äpple"), chromedp.Click("#t2i-submit"),
		poll(`document.getElementById('t2i-state').className === 'error'`))
	if st := eval[string](t, ctx, `document.getElementById('t2i-state').textContent`); !strings.Contains(st, "params.prompt") || !strings.Contains(st, "not in the text encoder's vocabulary") {
		t.Fatalf("state after a refused prompt %q: want the server's error naming params.prompt", st)
	}

	// Scroll to the gallery for its picture.
	run(t, ctx, "gallery", chromedp.Navigate(h.hs.URL+"/"), poll(`document.querySelectorAll('#gal-cards .card').length === 1`), scrollTo("#gallery"))
	if os.Getenv("DIFFUSEGO_SERVE_SCREENSHOTS") != "" {
		b, err := chromedp.Run(ctx, chromedp.Screenshot("#gallery"))
		if err == nil {
			os.WriteFile(filepath.Join(os.Getenv("DIFFUSEGO_SERVE_SCREENSHOTS"), "gallery.png"), b, 0o644)
		}
	}

	// A rating session, answered to the end.
	run(t, ctx, "rate", chromedp.Navigate(h.hs.URL+"/rate"), chromedp.WaitVisible("#rater"),
		chromedp.SendKeys("#rater", "browser-rater"), chromedp.Click("#start"), chromedp.WaitVisible("#item-a"))
	for i := range PracticeTrials + ScoredTrials {
		run(t, ctx, fmt.Sprintf("trial %d", i), poll(`!busy && document.getElementById('item-a').complete`))
		if i == PracticeTrials+1 {
			screenshot(t, ctx, "rate.png")
		}
		button := "#ans-real"
		if i%3 == 0 {
			button = "#ans-generated"
		}
		run(t, ctx, fmt.Sprintf("answer %d", i), chromedp.Click(button))
	}
	run(t, ctx, "finish", poll(`!document.getElementById('finished').hidden`))
	trials, err := h.srv.store.Trials()
	if err != nil || len(trials) != PracticeTrials+ScoredTrials || trials[0].Rater != "browser-rater" {
		t.Fatalf("%d trials recorded (%v), want %d by browser-rater", len(trials), err, PracticeTrials+ScoredTrials)
	}
	run(t, ctx, "results", chromedp.Navigate(h.hs.URL+"/#results"), poll(`document.getElementById("res-body").textContent.includes("browser-rater")`), scrollTo("#results"))
	screenshot(t, ctx, "results.png")

	// The refused prompt's 400 is the one error the browser may log.
	var bad []chromedp.ConsoleMessage
	refused := 0
	for _, m := range consoleErrors() {
		if refused == 0 && strings.HasSuffix(m.URL, "/api/jobs") && strings.Contains(m.Text, "status of 400") {
			refused++
			continue
		}
		bad = append(bad, m)
	}
	if len(bad) > 0 || refused != 1 {
		t.Fatalf("console errors: %v (and %d refused submissions, want 1)", bad, refused)
	}
}

func decodeDataURL(t *testing.T, u string) image.Image {
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(u, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func decodeFile(t *testing.T, path string) image.Image {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}
