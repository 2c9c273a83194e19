package textimage

import (
	"fmt"
	"maps"
	"strconv"
)

// CheckPrompt returns the error Sample would refuse prompt with (a
// character outside the text encoder's vocabulary, more characters than
// its maximum, invalid UTF-8), or nil. Upper case is read as lower case,
// and "" (the unconditional prompt) is always taken. Callers that check
// prompts before any work (`diffuse sample --prompt`, the server) use it
// so that they refuse the same prompts with the same words.
func (m *Model) CheckPrompt(prompt string) error {
	_, err := m.Net.Text.Vocab.Tokenize([]string{prompt})
	return err
}

// Settings are the settings every image Sample makes with o carries in
// its text chunks (`diffuse sample --prompt` and `diffuse serve` write
// them): hash (the SHA-256 of the model's file), the sampler as it runs
// (SamplerSpec: its name, the steps it takes, η, temperature and σ_max),
// the seed, the guidance scale, the negative prompt, the space and, in
// latent space, the autoencoder's SHA-256. ImageSettings adds each
// image's prompt and index. An error is the sampler's refusal of its
// steps or σ_max.
func (m *Model) Settings(hash string, o SampleOptions) (map[string]string, error) {
	spec := SamplerSpec(o.Sampler)
	sigmas, err := spec.Sigmas(m.Schedule())
	if err != nil {
		return nil, err
	}
	s := map[string]string{"checkpoint_sha256": hash, "sampler": spec.Name, "steps": strconv.Itoa(len(sigmas) - 1),
		"eta": fmt.Sprint(spec.Eta), "seed": fmt.Sprint(o.Seed), "guidance": fmt.Sprint(o.Guidance),
		"temperature": fmt.Sprint(spec.Temperature), "negative_prompt": o.Negative, "space": m.Spec.Space,
		"sigma_max": fmt.Sprint(spec.SigmaMax)}
	if m.Spec.Space == Latent {
		s["autoencoder_sha256"] = m.Spec.AutoencoderHash
	}
	return s, nil
}

// ImageSettings returns a copy of settings (Settings) with the prompt and
// the global index i of one image: the text chunks of its PNG.
func ImageSettings(settings map[string]string, prompt string, i int) map[string]string {
	s := maps.Clone(settings)
	s["prompt"], s["index"] = prompt, strconv.Itoa(i)
	return s
}
