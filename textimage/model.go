package textimage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"strings"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/models/autoencoder"
	"github.com/diffusego/diffusego/models/textenc"
	"github.com/diffusego/diffusego/models/transformer"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// Steps is the number of training steps T of the cosine schedule.
const Steps = 1000

// The two spaces a model can denoise in.
const (
	Pixel  = "pixel"  // the U-Net denoises the images themselves
	Latent = "latent" // the U-Net denoises the autoencoder's scaled latents
)

// Spec is everything needed to rebuild a model's networks; it is saved as
// textimage.json beside the checkpoints and in every checkpoint's metadata.
type Spec struct {
	Space     string `json:"space"`      // Pixel or Latent
	ImageSize int    `json:"image_size"` // side of the generated images
	// AutoencoderHash is the SHA-256 of the autoencoder whose latents the
	// model was trained on (Latent only).
	AutoencoderHash string             `json:"autoencoder_hash,omitempty"`
	UNet            unet.Config        `json:"unet"`
	Text            transformer.Config `json:"text"`
	Vocab           *textenc.Vocab     `json:"vocab"`
	Steps           int                `json:"steps"`  // T of the cosine schedule
	Target          string             `json:"target"` // what the U-Net predicts (eps)
	CaptionDropout  float64            `json:"caption_dropout"`
}

// Model is a prompt-conditioned image model and, in latent space, the
// autoencoder it was trained with.
type Model struct {
	Spec Spec
	Net  *Net
	AE   *autoencoder.Autoencoder // nil in pixel space
}

// Options are New's settings.
type Options struct {
	// AE is the autoencoder of a latent model; nil makes a pixel model.
	AE        *autoencoder.Autoencoder
	ImageSize int      // side of the images
	Captions  []string // the vocabulary is their characters
	MaxLen    int      // longest prompt, in characters
	TextWidth int      // text encoder width (2 blocks, 2 heads)
	Channels  int      // U-Net base width (even, ≥ 8)
	Dropout   float64  // caption dropout probability
	Seed      uint64
}

// UNetConfig is the denoiser for inputs of side size with c channels,
// base width channels and text width d: levels halve the side down to
// min(8, size/2), widths ×1 for the first half of the levels and ×2 for
// the rest, one ResBlock per level, and self- and cross-attention at the
// lowest level and in the middle. For the emoji latents (16×16) that is
// levels 16 and 8; for the pixels (64×64), 64, 32, 16 and 8, so the two
// spaces attend to the prompt at the same resolutions.
func UNetConfig(size, c, channels, d int) (unet.Config, error) {
	attn := min(8, size/2)
	if attn < 1 || size%attn != 0 || bits.OnesCount(uint(size/attn)) != 1 {
		return unet.Config{}, fmt.Errorf("textimage: side %d: want 2, 4, 8 or 8 times a power of two", size)
	}
	levels := bits.TrailingZeros(uint(size/attn)) + 1
	mult := make([]int, levels)
	for i := range mult {
		mult[i] = 1
		if i >= levels/2 {
			mult[i] = 2
		}
	}
	cfg := unet.Config{ImageSize: size, InChannels: c, OutChannels: c, Channels: channels, ChannelMult: mult,
		ResBlocks: 1, AttentionResolutions: []int{attn}, Heads: 2, Groups: min(8, channels/2), ContextDim: d}
	return cfg, cfg.Validate()
}

// New builds an untrained model as o says.
func New(o Options) (*Model, error) {
	spec := Spec{Space: Pixel, ImageSize: o.ImageSize, Steps: Steps, Target: string(diffusion.Eps), CaptionDropout: o.Dropout}
	side, c := o.ImageSize, 3
	if o.AE != nil {
		f := o.AE.Config.Factor()
		if o.ImageSize < 2*f || o.ImageSize%(2*f) != 0 {
			return nil, fmt.Errorf("textimage: image size %d: want a multiple of %d (twice the autoencoder's factor)", o.ImageSize, 2*f)
		}
		hash, err := o.AE.Hash()
		if err != nil {
			return nil, err
		}
		spec.Space, spec.AutoencoderHash = Latent, hash
		side, c = o.ImageSize/f, o.AE.Config.Latent
	}
	if !(o.Dropout >= 0 && o.Dropout < 1) {
		return nil, fmt.Errorf("textimage: caption dropout %g: want a probability in [0, 1)", o.Dropout)
	}
	vocab, err := textenc.NewVocab(o.Captions, o.MaxLen)
	if err != nil {
		return nil, err
	}
	text, err := textenc.New(vocab, o.TextWidth, 2, 2, o.Seed)
	if err != nil {
		return nil, err
	}
	spec.Vocab, spec.Text = vocab, text.Net.Config
	if spec.UNet, err = UNetConfig(side, c, o.Channels, text.D()); err != nil {
		return nil, err
	}
	u, err := unet.New(spec.UNet, tensor.NewRNG(o.Seed+1))
	if err != nil {
		return nil, err
	}
	return &Model{Spec: spec, Net: newNet(u, text), AE: o.AE}, nil
}

// newNet joins the U-Net and the text encoder, naming the encoder's
// parameters "text.…" so that one checkpoint holds both.
func newNet(u *unet.Model, text *textenc.Encoder) *Net {
	for _, p := range text.Params() {
		if !strings.HasPrefix(p.Name, TextPrefix) {
			p.Name = TextPrefix + p.Name
		}
	}
	return &Net{UNet: u, Text: text, Prompts: []string{""}}
}

// TextPrefix starts the names of the text encoder's parameters.
const TextPrefix = "text."

// Schedule is the model's noise schedule.
func (m *Model) Schedule() schedule.Schedule { return schedule.NewCosine(m.Spec.Steps, 0.008) }

// Objective is the ε-prediction loss on the cosine schedule with SNR
// weighting and the model's caption dropout to the null prompt.
func (m *Model) Objective() *train.Objective {
	return &train.Objective{Schedule: m.Schedule(), Target: diffusion.Eps, Weighting: diffusion.SNR,
		LabelDropout: m.Spec.CaptionDropout, NullLabel: Null, Conditional: true}
}

// Channels and Side are the shape of what the U-Net denoises: the
// latents' (Latent, h) or the images' (3, ImageSize).
func (m *Model) Channels() int { return m.Spec.UNet.InChannels }

// Side is the side of what the U-Net denoises.
func (m *Model) Side() int { return m.Spec.UNet.ImageSize }

// Encode maps images (N, 3, S, S) in [-1, 1] to what the U-Net is trained
// on: the scaled latents, 32 images at a time, or the images themselves.
func (m *Model) Encode(x *tensor.Tensor) (*tensor.Tensor, error) {
	if x.Rank() != 4 || x.Shape[1] != 3 || x.Shape[2] != m.Spec.ImageSize || x.Shape[3] != m.Spec.ImageSize {
		return nil, fmt.Errorf("textimage: images %s: want (N, 3, %d, %d)", tensor.FormatShape(x.Shape), m.Spec.ImageSize, m.Spec.ImageSize)
	}
	if m.AE == nil {
		return x, nil
	}
	n, per := x.Shape[0], x.Len()/x.Shape[0]
	z := tensor.New(n, m.Channels(), m.Side(), m.Side())
	zper := z.Len() / n
	for lo := 0; lo < n; lo += 32 {
		hi := min(lo+32, n)
		zb, err := m.AE.Encode(tensor.FromData(x.Data[lo*per:hi*per], hi-lo, 3, x.Shape[2], x.Shape[3]))
		if err != nil {
			return nil, err
		}
		copy(z.Data[lo*zper:hi*zper], zb.Data)
	}
	return z, nil
}

// Decode maps what the U-Net denoises back to images in [-1, 1]: decoded
// latents, or clipped pixels.
func (m *Model) Decode(z *tensor.Tensor) (*tensor.Tensor, error) {
	if m.AE != nil {
		return m.AE.Decode(z)
	}
	x := z.Clone()
	for i, v := range x.Data {
		x.Data[i] = min(max(v, -1), 1)
	}
	return x, nil
}

// Trainer returns a train.Trainer of the model on x (N, C, h, w), what
// the U-Net denoises (Encode's output), with caption i of each item:
// labels index the prompt table ["", captions…], so that caption dropout
// is train.Objective's label dropout to index 0. Captions the vocabulary
// refuses are an error naming the first.
func (m *Model) Trainer(x *tensor.Tensor, captions []string, batch int, opts train.Options) (*train.Trainer, error) {
	if x.Rank() != 4 || x.Shape[0] != len(captions) || x.Shape[1] != m.Channels() || x.Shape[2] != m.Side() {
		return nil, fmt.Errorf("textimage train: %s for %d captions: want (N, %d, %d, %d)", tensor.FormatShape(x.Shape), len(captions), m.Channels(), m.Side(), m.Side())
	}
	for i, c := range captions {
		if _, err := m.Net.Text.Vocab.Tokenize([]string{c}); err != nil {
			return nil, fmt.Errorf("textimage train: caption %d: %w", i, err)
		}
	}
	m.Net.Prompts = append([]string{""}, captions...)
	labels := make([]int, len(captions))
	for i := range labels {
		labels[i] = i + 1
	}
	b, err := train.TensorBatches(x, labels, batch, opts.Seed)
	if err != nil {
		return nil, err
	}
	return train.New(m.Net, m.Objective(), b, opts)
}

// SigmaMax is the noise level sampling and inpainting start from. The
// cosine schedule's last training step (β clipped at 0.999) has σ ≈
// 2·10⁴, where x̂₀ = x − σ·ε̂ multiplies the network's ε error by σ: a
// model that denoises well everywhere still drew latents of standard
// deviation near 900 (the data's is 1) when sampling started there. At
// 80 (EDM's σ_max, Karras et al. 2022) the signal left in the initial
// noise is 1/80 of it, and the first step's error is bounded.
const SigmaMax = 80

// SamplerSpec is the sampler Sample runs for spec: a "" name is DDIM with
// 50 steps, a zero SigmaMax is SigmaMax. Callers that record the steps or
// draw the trajectory take the noise levels from it.
func SamplerSpec(spec sampler.Spec) sampler.Spec {
	if spec.Name == "" {
		spec = sampler.Spec{Name: "ddim", Steps: 50, SigmaMax: spec.SigmaMax}
	}
	if spec.SigmaMax == 0 {
		spec.SigmaMax = SigmaMax
	}
	return spec
}

// SampleOptions say how Sample runs; with the model they fix the images
// bit for bit.
type SampleOptions struct {
	// Sampler: a "" name means DDIM, 50 steps, η = 0; a zero SigmaMax
	// means SigmaMax.
	Sampler  sampler.Spec
	Guidance float64 // w of diffusion.Guided; 0 means 1 (no guidance)
	Negative string  // the negative prompt ("" is the unconditional one)
	Seed     uint64
	// First is the global index of the first image: image i's initial
	// noise comes from the stream (Seed, First+i) alone.
	First int
	// Items, when set, gives each image its own noise stream: image i's
	// initial noise is drawn from (Items[i].Seed, Items[i].Index), as it
	// would be as image Index of a call with that Seed, and Seed and
	// First are not used. One call can so draw the images of several
	// requests, each as its own call would (a server's batch). Only an
	// item-wise sampler (sampler.Spec.ItemWise) keeps images apart, so
	// Sample refuses Items with any other; len(Items) must be the number
	// of prompts.
	Items []sampler.Item
	// Threshold clips the predicted image to [-1, 1] at every step; it
	// applies only in pixel space (latents are not bounded).
	Threshold bool
	// Visit, when set, sees the state after every step (latents in latent
	// space; decode them with Decode).
	Visit func(step int, x *tensor.Tensor)
}

// Sample generates one image per prompt: the sampler with classifier-free
// guidance x0 = x0_neg + w·(x0_prompt − x0_neg), where x0_neg is the
// prediction for the negative prompt ("" when none), then decoding.
// Prompts the text encoder refuses are errors before any work.
func (m *Model) Sample(ctx context.Context, prompts []string, opts SampleOptions) (x *tensor.Tensor, err error) {
	defer tensor.Recover(&err)
	z, err := m.SampleLatents(ctx, prompts, opts)
	if err != nil {
		return nil, err
	}
	return m.Decode(z)
}

// SampleLatents is Sample without the decoding: what the U-Net denoises.
func (m *Model) SampleLatents(ctx context.Context, prompts []string, opts SampleOptions) (z *tensor.Tensor, err error) {
	defer tensor.Recover(&err)
	if len(prompts) == 0 {
		return nil, fmt.Errorf("textimage sample: no prompts")
	}
	if opts.First < 0 {
		return nil, fmt.Errorf("textimage sample: first: want ≥ 0, got %d", opts.First)
	}
	if err := sampler.CheckItems(opts.Items, len(prompts), "prompts", SamplerSpec(opts.Sampler)); err != nil {
		return nil, fmt.Errorf("textimage sample: %w", err)
	}
	if _, err := m.Net.Text.Vocab.Tokenize(append([]string{opts.Negative}, prompts...)); err != nil {
		return nil, err
	}
	spec := SamplerSpec(opts.Sampler)
	s, err := spec.Build()
	if err != nil {
		return nil, err
	}
	w := opts.Guidance
	if w == 0 {
		w = 1
	}
	sched := m.Schedule()
	sigmas, err := spec.Sigmas(sched)
	if err != nil {
		return nil, err
	}
	n := len(prompts)
	d := m.denoiser(prompts, opts.Negative, w, opts.Threshold)
	rng := tensor.NewRNG(opts.Seed)
	c, side := m.Channels(), m.Side()
	x0 := sampler.ItemNoise(opts.Seed, opts.First, opts.Items, sigmas[0], spec.Temp(), n, c, side, side)
	// An item-wise sampler draws nothing from the step stream, so with
	// Items it does not matter that it comes from Seed.
	return sampler.Run(ctx, s, d, x0, sigmas, rng.Split(1), opts.Visit)
}

// denoiser is the guided denoiser of SampleLatents for prompts (labels
// 1…n of the table [negative, prompts…]).
func (m *Model) denoiser(prompts []string, negative string, w float64, threshold bool) sampler.Denoiser {
	// A Net of its own: the table serves this call only, so the model can
	// serve several calls at once.
	net := &Net{UNet: m.Net.UNet, Text: m.Net.Text, Prompts: append([]string{negative}, prompts...)}
	labels := make([]int, len(prompts))
	for i := range labels {
		labels[i] = i + 1
	}
	f := func(xt *tensor.Tensor, t []float64, y []int) (*tensor.Tensor, error) {
		return net.Forward(autograd.NoGrad(), autograd.NewVar(xt), t, y).Value, nil
	}
	sched := m.Schedule()
	vp := &diffusion.VPDenoiser{Net: f, Schedule: sched, Target: diffusion.Eps, Null: Null}
	var d sampler.Denoiser = vp
	if w != 1 {
		d = diffusion.Guided{D: vp, Labels: labels, Scale: w}
	} else {
		vp.Labels = labels
	}
	if threshold && m.AE == nil {
		d = sampler.Thresholded{D: d}
	}
	return d
}

// ModelMask maps a pixel mask to the grid the U-Net denoises: in latent
// space a latent cell is known only when every pixel it covers is known
// (a cell half in the hole is regenerated, so the hole is never
// shrunk); in pixel space it is the mask itself.
func (m *Model) ModelMask(mask *restore.Mask) (*restore.Mask, error) {
	s := m.Spec.ImageSize
	if mask.H != s || mask.W != s || len(mask.Known) != s*s {
		return nil, fmt.Errorf("textimage: mask %d×%d: want %d×%d", mask.H, mask.W, s, s)
	}
	if m.AE == nil {
		return mask, nil
	}
	f, side := m.AE.Config.Factor(), m.Side()
	out, err := restore.NewMask(side, side)
	if err != nil {
		return nil, err
	}
	for i := range side {
		for j := range side {
			known := true
			for y := i * f; y < (i+1)*f; y++ {
				for x := j * f; x < (j+1)*f; x++ {
					known = known && mask.Known[y*s+x]
				}
			}
			out.Known[i*side+j] = known
		}
	}
	return out, nil
}

// InpaintOptions say how Inpaint runs: the RePaint settings (their
// Sampler, Steps, JumpLength, Resamplings, Seed; the σ range is the
// model's) and the guidance of the prompts.
type InpaintOptions struct {
	RePaint   restore.InpaintOptions
	Guidance  float64 // 0 means 1
	Negative  string
	Threshold bool // pixel space only
}

// Inpaint fills the unknown pixels of x: (N, 3, S, S) in [-1, 1], image i
// guided by prompts[i], with RePaint (restore.Inpaint) in the model's
// space: in latent space x is encoded, the mask taken to the latent grid
// (ModelMask), the latents filled and decoded. The known pixels of the
// result are x's, bit for bit.
func (m *Model) Inpaint(ctx context.Context, prompts []string, x *tensor.Tensor, mask *restore.Mask, o InpaintOptions) (out *tensor.Tensor, err error) {
	defer tensor.Recover(&err)
	if x.Rank() != 4 || len(prompts) != x.Shape[0] {
		return nil, fmt.Errorf("textimage inpaint: %d prompts for images %s", len(prompts), tensor.FormatShape(x.Shape))
	}
	if _, err := m.Net.Text.Vocab.Tokenize(append([]string{o.Negative}, prompts...)); err != nil {
		return nil, err
	}
	z, err := m.Encode(x)
	if err != nil {
		return nil, err
	}
	zm, err := m.ModelMask(mask)
	if err != nil {
		return nil, err
	}
	w := o.Guidance
	if w == 0 {
		w = 1
	}
	sched := m.Schedule()
	ro := o.RePaint
	ro.SigmaMax, ro.SigmaMin = min(sched.Sigma(sched.Steps()-1), SigmaMax), sched.Sigma(0)
	filled, err := restore.Inpaint(ctx, m.denoiser(prompts, o.Negative, w, o.Threshold), z, zm, ro)
	if err != nil {
		return nil, err
	}
	if out, err = m.Decode(filled); err != nil {
		return nil, err
	}
	hw := mask.H * mask.W
	for i := range out.Data {
		if mask.Known[i%hw] {
			out.Data[i] = x.Data[i]
		}
	}
	return out, nil
}

// File names in a model folder.
const (
	SpecFile       = "textimage.json"
	AutoencoderDir = "autoencoder" // the latent model's copy of its autoencoder
	specKey        = "diffusego.textimage"
)

// Meta is the checkpoint metadata that makes a checkpoint file
// self-describing: the Spec as JSON.
func (m *Model) Meta() (map[string]string, error) {
	raw, err := json.Marshal(m.Spec)
	if err != nil {
		return nil, err
	}
	return map[string]string{specKey: string(raw), "format": format}, nil
}

// SaveFolder writes dir/textimage.json and, in latent space, the
// autoencoder to dir/autoencoder, so that the folder samples on its own.
// Checkpoints (train.Trainer.Save with Meta) go beside them.
func (m *Model) SaveFolder(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("textimage: %w", err)
	}
	if m.AE != nil {
		if err := m.AE.Save(filepath.Join(dir, AutoencoderDir)); err != nil {
			return err
		}
	}
	return checkpoint.WriteJSON(filepath.Join(dir, SpecFile), m.Spec)
}

// IsModel reports whether path is a text-to-image model: a folder with
// textimage.json, a checkpoint file in one, or a file whose header says
// it is one (an export, wherever it lies).
func IsModel(path string) bool {
	if path == "" {
		return false
	}
	st, err := os.Stat(path)
	if err != nil {
		return false
	}
	dir := path
	if !st.IsDir() {
		if isExportFile(path) {
			return true
		}
		dir = filepath.Dir(path)
	}
	_, err = os.Stat(filepath.Join(dir, SpecFile))
	return err == nil
}

// ErrNoAutoencoder is returned when a latent model is loaded without its
// autoencoder.
var ErrNoAutoencoder = errors.New("a latent model needs the autoencoder it was trained with")

// Load reads the checkpoint file ckpt, written by train.Trainer.Save with
// Meta or by Export, with the EMA weights when ema (an export holds only
// those, and refuses !ema). A latent model takes its autoencoder from
// aeDir or, when aeDir is "", from the export itself or from the
// checkpoint folder's copy; an autoencoder whose hash differs from the one
// the model was trained with is refused, and a latent model without one
// is an error wrapping ErrNoAutoencoder.
func Load(ckpt, aeDir string, ema bool) (*Model, error) {
	f, err := checkpoint.ReadFile(ckpt)
	if err != nil {
		return nil, err
	}
	return load(f, ckpt, filepath.Dir(ckpt), aeDir, ema)
}

// LoadBytes is Load for a checkpoint held in memory (the shipped model);
// name is used in errors. With no folder to look in, a latent training
// checkpoint needs aeDir; an export carries its autoencoder.
func LoadBytes(b []byte, name, aeDir string, ema bool) (*Model, error) {
	f, err := checkpoint.Decode(b, name)
	if err != nil {
		return nil, err
	}
	return load(f, name, "", aeDir, ema)
}

// load builds the model f describes; dir is the checkpoint's folder ("":
// none) where a training checkpoint's autoencoder copy lies.
func load(f *checkpoint.File, ckpt, dir, aeDir string, ema bool) (*Model, error) {
	raw, ok := f.Meta[specKey]
	if !ok {
		return nil, fmt.Errorf("checkpoint %s: no %q entry: not a text-to-image model", ckpt, specKey)
	}
	var spec Spec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %q: %v", ckpt, specKey, err)
	}
	if err := spec.check(); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", ckpt, err)
	}
	exported := f.Meta[ExportKey] != ""
	if exported && !ema {
		return nil, fmt.Errorf("checkpoint %s: a sampling export holding only the EMA weights: the raw weights are not in it", ckpt)
	}
	m := &Model{Spec: spec}
	switch {
	case spec.Space == Latent && aeDir == "" && exported:
		ae, err := loadExportedAE(f, ckpt, spec)
		if err != nil {
			return nil, err
		}
		m.AE = ae
	case spec.Space == Latent:
		if aeDir == "" {
			if dir == "" {
				return nil, fmt.Errorf("%s: %w (SHA-256 %s): give it with --autoencoder", ckpt, ErrNoAutoencoder, short(spec.AutoencoderHash))
			}
			aeDir = filepath.Join(dir, AutoencoderDir)
			if _, err := os.Stat(filepath.Join(aeDir, autoencoder.ConfigFile)); err != nil {
				return nil, fmt.Errorf("%s: %w (SHA-256 %s), and %s holds none: give it with --autoencoder", ckpt, ErrNoAutoencoder, short(spec.AutoencoderHash), aeDir)
			}
		}
		ae, hash, err := autoencoder.Load(aeDir)
		if err != nil {
			return nil, err
		}
		if err := autoencoder.CheckHash(ckpt, spec.AutoencoderHash, hash); err != nil {
			return nil, err
		}
		m.AE = ae
	case aeDir != "":
		return nil, fmt.Errorf("%s is a pixel-space model: it takes no autoencoder (given %s)", ckpt, aeDir)
	}
	if ae := m.AE; ae != nil && (ae.Config.Latent != spec.UNet.InChannels || spec.ImageSize/ae.Config.Factor() != spec.UNet.ImageSize) {
		return nil, fmt.Errorf("%s: latents (%d, %d×%d) but the autoencoder makes (%d, %d×%d)", ckpt, spec.UNet.InChannels,
			spec.UNet.ImageSize, spec.UNet.ImageSize, ae.Config.Latent, spec.ImageSize/ae.Config.Factor(), spec.ImageSize/ae.Config.Factor())
	}
	tnet, err := transformer.New(spec.Text, tensor.NewRNG(0))
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: text: %w", ckpt, err)
	}
	u, err := unet.New(spec.UNet, tensor.NewRNG(0))
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: unet: %w", ckpt, err)
	}
	m.Net = newNet(u, &textenc.Encoder{Vocab: spec.Vocab, Net: tnet})
	if exported {
		err = checkpoint.LoadParams(ckpt, m.Net.Params(), modelTensors(f), "")
	} else {
		err = train.LoadWeights(f, ckpt, m.Net.Params(), ema)
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// check refuses a Spec whose parts do not fit together.
func (s Spec) check() error {
	bad := func(field string, want string, got any) error {
		return fmt.Errorf("%q: field %q: want %s, got %v", specKey, field, want, got)
	}
	switch {
	case s.Space != Pixel && s.Space != Latent:
		return bad("space", `"pixel" or "latent"`, fmt.Sprintf("%q", s.Space))
	case s.Space == Latent && s.AutoencoderHash == "":
		return bad("autoencoder_hash", "the SHA-256 of the autoencoder of a latent model", `""`)
	case s.Steps != Steps || s.Target != string(diffusion.Eps):
		return bad("steps, target", fmt.Sprintf("%d and %q", Steps, diffusion.Eps), fmt.Sprintf("%d and %q", s.Steps, s.Target))
	case s.Vocab == nil:
		return bad("vocab", "the text encoder's vocabulary", "none")
	case s.Space == Pixel && (s.UNet.InChannels != 3 || s.UNet.ImageSize != s.ImageSize):
		return bad("unet", fmt.Sprintf("3 channels of side %d for a pixel model", s.ImageSize), fmt.Sprintf("%d of side %d", s.UNet.InChannels, s.UNet.ImageSize))
	case s.UNet.ContextDim != s.Text.D:
		return bad("unet.context_dim", fmt.Sprintf("the text width %d", s.Text.D), s.UNet.ContextDim)
	}
	if err := s.Vocab.Check(); err != nil {
		return err
	}
	if s.Text.Vocab != s.Vocab.Size() || s.Text.MaxLen != s.Vocab.Len() || s.Text.Out != s.Text.D {
		return bad("text", fmt.Sprintf("vocab %d, max_len %d, out = d", s.Vocab.Size(), s.Vocab.Len()), fmt.Sprintf("vocab %d, max_len %d, out %d, d %d", s.Text.Vocab, s.Text.MaxLen, s.Text.Out, s.Text.D))
	}
	return nil
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return fmt.Sprintf("%q", h)
}
