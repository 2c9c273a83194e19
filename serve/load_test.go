package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/pipeline"
)

// TestLoad: many concurrent clients submit, stream and cancel jobs on
// loopback. Every accepted job ends done, failed or cancelled, done ones
// with their outputs present; submissions beyond the queue's bound are
// refused with 429. It logs p50/p95 of the API calls and images per second
// against the library call the CLI makes (pipeline.Generate) for the same
// images. DIFFUSEGO_SERVE_LOAD=CLIENTS,JOBS,STEPS scales it (bench/serve_load.sh).
func TestLoad(t *testing.T) {
	clients, jobsEach, steps := 8, 2, 2
	if v := os.Getenv("DIFFUSEGO_SERVE_LOAD"); v != "" {
		parts := strings.Split(v, ",")
		if len(parts) != 3 {
			t.Fatalf("DIFFUSEGO_SERVE_LOAD=%q: want CLIENTS,JOBS,STEPS", v)
		}
		clients, jobsEach, steps = atoi(t, parts[0]), atoi(t, parts[1]), atoi(t, parts[2])
	}
	bound := clients * jobsEach / 3 // small enough that a burst overflows it
	h := newHarness(t, func(c *Config) { c.Limits.Queue = max(bound, 1) })
	var mu sync.Mutex
	lat := map[string][]time.Duration{}
	record := func(op string, d time.Duration) { mu.Lock(); lat[op] = append(lat[op], d); mu.Unlock() }
	var accepted, refused []string
	var cancelled []string
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sess := fmt.Sprintf("load-client-%03d", c)
			var mine []string
			for k := range jobsEach {
				body := fmt.Sprintf(`{"kind":"sample","params":{"n":1,"steps":%d,"guidance":1,"class":%d,"seed":%d}}`, steps, c%10, c*100+k)
				t0 := time.Now()
				req, _ := http.NewRequest("POST", h.hs.URL+"/api/jobs", strings.NewReader(body))
				req.Header.Set("X-Session", sess)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				var j Job
				json.NewDecoder(resp.Body).Decode(&j)
				resp.Body.Close()
				record("POST /api/jobs", time.Since(t0))
				mu.Lock()
				switch resp.StatusCode {
				case 202:
					accepted = append(accepted, j.ID)
					mine = append(mine, j.ID)
				case 429:
					if resp.Header.Get("Retry-After") == "" {
						t.Error("429 without Retry-After")
					}
					refused = append(refused, sess)
				default:
					t.Errorf("submit: %d", resp.StatusCode)
				}
				mu.Unlock()
			}
			for i, id := range mine {
				if c%3 == 0 && i == len(mine)-1 { // every third client cancels its last job
					t0 := time.Now()
					code, _, _ := h.do("POST", "/api/jobs/"+id+"/cancel", sess, nil)
					record("POST /api/jobs/{id}/cancel", time.Since(t0))
					if code == 200 || code == 202 {
						mu.Lock()
						cancelled = append(cancelled, id)
						mu.Unlock()
					}
				}
				h.stream(id, 0, nil)
				t0 := time.Now()
				h.do("GET", "/api/jobs/"+id, sess, nil)
				record("GET /api/jobs/{id}", time.Since(t0))
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	if len(refused) == 0 {
		t.Fatalf("%d submissions against a queue of %d: none refused", clients*jobsEach, bound)
	}
	images := 0
	for _, id := range accepted {
		j, err := h.srv.store.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		switch j.State {
		case StateDone:
			if len(j.Outputs) != 1 {
				t.Fatalf("done job %s has %d outputs", id, len(j.Outputs))
			}
			if _, err := os.Stat(h.srv.outDir(id) + "/" + j.Outputs[0].Name); err != nil {
				t.Fatalf("done job %s: %v", id, err)
			}
			images++
		case StateCancelled:
			if !slices.Contains(cancelled, id) {
				t.Fatalf("job %s cancelled, but nobody cancelled it", id)
			}
		default:
			t.Fatalf("job %s ended %s (%s)", id, j.State, j.Error)
		}
	}
	// The same images through the library call the CLI makes, one after
	// another (diffuse sample's work without its process start).
	p := h.srv.models["fashion"].Pipeline
	t0 := time.Now()
	for i := range images {
		if _, err := p.Generate(context.Background(), pipeline.Options{N: 1, Labels: []int{i % 10}, Guidance: 1,
			Sampler: sampler.Spec{Name: "dpmpp2m", Steps: steps}, Seed: uint64(i), Threshold: true}); err != nil {
			t.Fatal(err)
		}
	}
	direct := time.Since(t0)
	t.Logf("load (shared CPU, not a speed claim): %d clients x %d jobs of 1 image, %d steps; queue bound %d; %d accepted, %d refused (429), %d cancelled, %d done in %v",
		clients, jobsEach, steps, bound, len(accepted), len(refused), len(cancelled), images, wall.Round(time.Millisecond))
	var ops []string
	for op := range lat {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	for _, op := range ops {
		d := lat[op]
		slices.Sort(d)
		t.Logf("  %-28s n=%-4d p50 %8.2f ms  p95 %8.2f ms", op, len(d), ms2(d[len(d)/2]), ms2(d[min(len(d)-1, len(d)*95/100)]))
	}
	t.Logf("  throughput: server %.2f images/s (wall, incl. cancels and streaming); library call alone %.2f images/s",
		float64(images)/wall.Seconds(), float64(images)/direct.Seconds())
}

func ms2(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

var _ = strconv.Itoa
