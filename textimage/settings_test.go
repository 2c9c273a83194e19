package textimage

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/diffusion/sampler"
)

// TestSettings: the text chunks of a sample name the sampler as it runs
// (a "" name is DDIM with 50 steps; the step count is that of its noise
// levels, capped for discrete samplers), σ_max (0 is SigmaMax), the
// guidance as given, the negative prompt, the space and, in latent space
// only, the autoencoder's hash; ImageSettings adds the prompt and index
// to a copy. A σ_max under the schedule's smallest σ is the sampler's
// error.
func TestSettings(t *testing.T) {
	for _, c := range []struct {
		name   string
		latent bool
		o      SampleOptions
		want   map[string]string
	}{
		{"default sampler", true, SampleOptions{Seed: 2, Guidance: 0},
			map[string]string{"sampler": "ddim", "steps": "50", "sigma_max": "80", "guidance": "0", "seed": "2", "eta": "0",
				"temperature": "0", "negative_prompt": "", "space": "latent", "checkpoint_sha256": "h"}},
		{"dpmpp2m, usual steps", false, SampleOptions{Sampler: sampler.Spec{Name: "dpmpp2m", Temperature: 0.5}, Guidance: 4, Negative: "car"},
			map[string]string{"sampler": "dpmpp2m", "steps": "20", "sigma_max": "80", "guidance": "4", "temperature": "0.5",
				"negative_prompt": "car", "space": "pixel"}},
		{"ddpm, steps past T, sigma_max 10", false, SampleOptions{Sampler: sampler.Spec{Name: "ddpm", Steps: 5000, SigmaMax: 10}},
			map[string]string{"sampler": "ddpm", "sigma_max": "10"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := tiny(t, c.latent)
			s, err := m.Settings("h", c.o)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range c.want {
				if s[k] != v {
					t.Errorf("%s = %q, want %q", k, s[k], v)
				}
			}
			sigmas, err := SamplerSpec(c.o.Sampler).Sigmas(m.Schedule())
			if err != nil {
				t.Fatal(err)
			}
			if want := len(sigmas) - 1; s["steps"] != strconv.Itoa(want) {
				t.Errorf("steps = %q, want %d (the noise levels walked)", s["steps"], want)
			}
			if _, ok := s["autoencoder_sha256"]; ok != c.latent || (c.latent && s["autoencoder_sha256"] != m.Spec.AutoencoderHash) {
				t.Errorf("autoencoder_sha256 = %q (present %t), want the autoencoder's hash in latent space only", s["autoencoder_sha256"], ok)
			}
			img := ImageSettings(s, "Red apple", 7)
			if img["prompt"] != "Red apple" || img["index"] != "7" || s["prompt"] != "" || len(img) != len(s)+2 {
				t.Errorf("ImageSettings: %v from %v, want a copy with prompt and index added", img, s)
			}
		})
	}
	if _, err := tiny(t, false).Settings("h", SampleOptions{Sampler: sampler.Spec{Name: "euler", SigmaMax: 1e-9}}); err == nil || !strings.Contains(err.Error(), "sigma max") {
		t.Errorf("sigma max under the smallest σ: err = %v", err)
	}
}

// TestCheckPrompt: the checks Sample makes, as an error per prompt: upper
// case is read as lower case and "" is the unconditional prompt; an
// unknown character and a prompt past the maximum length are refused
// with the prompt, the character and the limit named.
func TestCheckPrompt(t *testing.T) {
	m := tiny(t, false) // vocabulary of "red apple", "cat face", …; at most 12 characters
	for _, c := range []struct {
		prompt, want string
	}{
		{"", ""},
		{"Red Apple", ""},
		{"red apple!", `prompt "red apple!": character 10 '!' (U+0021): not in the text encoder's vocabulary`},
		{"red apple car", `prompt "red apple car": 13 characters: want at most 12 (long prompts are refused, not truncated)`},
		{"\xff", "not valid UTF-8"},
	} {
		err := m.CheckPrompt(c.prompt)
		if (err == nil) != (c.want == "") || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckPrompt(%q) = %v, want %q", c.prompt, err, c.want)
		}
		if _, serr := m.Sample(context.Background(), []string{c.prompt}, SampleOptions{Sampler: sampler.Spec{Name: "euler", Steps: 1}}); (serr == nil) != (err == nil) {
			t.Errorf("prompt %q: CheckPrompt says %v, Sample %v: want the same verdict", c.prompt, err, serr)
		}
	}
}
