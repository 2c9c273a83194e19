package diffwave

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// tiny is a model small enough for finite differences.
func tiny(task string) Config {
	c := DefaultConfig(task)
	c.Samples, c.Patch, c.Channels, c.Layers, c.Cycle, c.Embed, c.Steps = 12, 3, 3, 3, 2, 4, 20
	if task == TaskGenerate {
		c.Classes = 2
	}
	return c
}

func TestFoldUnfoldRoundTrip(t *testing.T) {
	x := gradcheck.Rand([]int{2, 1, 12}, 1)
	g := autograd.NoGrad()
	f := fold(g, autograd.NewVar(x), 4) // (2, 4, 3)
	if !tensor.SameShape(f.Shape(), []int{2, 4, 3}) {
		t.Fatalf("fold shape %v, want (2, 4, 3)", f.Shape())
	}
	// channel j of position s is sample s·P + j
	if got, want := f.Value.At(1, 2, 1), x.At(1, 0, 1*4+2); got != want {
		t.Errorf("fold[1, 2, 1] = %v, want x[1, 0, 6] = %v", got, want)
	}
	back := unfold(g, f).Value
	for i := range x.Data {
		if back.Data[i] != x.Data[i] {
			t.Fatalf("unfold(fold(x))[%d] = %v, want %v", i, back.Data[i], x.Data[i])
		}
	}
}

func TestModelGrad(t *testing.T) {
	for _, task := range []string{TaskGenerate, TaskDenoise} {
		t.Run(task, func(t *testing.T) {
			cfg := tiny(task)
			m, err := New(cfg, tensor.NewRNG(2))
			if err != nil {
				t.Fatal(err)
			}
			// The output layer starts at zero (as DiffWave); give it weights so
			// that gradients reach every parameter.
			tensor.NewRNG(9).FillNormal(m.outConv.Weight.V.Value, 0, 0.3)
			var y []int
			if cfg.Classes > 0 {
				y = []int{1, 2} // a class and the null label
			}
			f := func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
				return m.Forward(g, x, []float64{3, 17}, y)
			}
			ps := m.Params()
			vs := make([]*autograd.Var, len(ps))
			for i, p := range ps {
				vs[i] = p.V
			}
			// Seed 6 keeps every ReLU input away from 0 by more than the
			// finite-difference step (seed 4 puts one on the kink).
			gradcheck.Check(t, f, gradcheck.Rand([]int{2, 1 + cfg.Cond, cfg.Samples}, 6), gradcheck.Tol{}, vs...)
		})
	}
}

func TestParamNames(t *testing.T) {
	m, _ := New(DefaultConfig(TaskGenerate), tensor.NewRNG(1))
	byName, err := nn.ByName(m.Params())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"input.weight", "embed.class.weight", "layers.7.dilated.weight", "layers.0.step.bias", "output.weight"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("no parameter %q", name)
		}
	}
	if _, ok := byName["layers.0.cond.weight"]; ok {
		t.Errorf("a generation model has a condition projection")
	}
	if d := m.layers[6].dilated.Dilation; d != 4 {
		t.Errorf("layer 6 dilation %d, want 2^(6 mod 4) = 4", d)
	}
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Config)
		field string
	}{
		{"task", func(c *Config) { c.Task = "music" }, `"task"`},
		{"samples not a multiple of patch", func(c *Config) { c.Samples = 8001 }, `"samples"`},
		{"odd embedding", func(c *Config) { c.Embed = 7 }, `"embed"`},
		{"target", func(c *Config) { c.Target = "score" }, `"target"`},
		{"denoiser without condition", func(c *Config) { c.Task, c.Cond = TaskDenoise, 0 }, `"cond"`},
		{"schedule", func(c *Config) { c.Schedule = "quadratic" }, `"schedule"`},
		{"dropout", func(c *Config) { c.LabelDropout = 1 }, `"label_dropout"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig(TaskGenerate)
			c.edit(&cfg)
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), c.field) {
				t.Errorf("Validate() = %v, want an error naming %s", err, c.field)
			}
		})
	}
	for _, task := range []string{TaskGenerate, TaskDenoise} {
		if err := DefaultConfig(task).Validate(); err != nil {
			t.Errorf("DefaultConfig(%s): %v", task, err)
		}
	}
}

func TestParseConfig(t *testing.T) {
	meta, _ := DefaultConfig(TaskDenoise).Meta()
	got, err := ParseConfig(meta, "x.safetensors")
	if err != nil || got != DefaultConfig(TaskDenoise) {
		t.Errorf("ParseConfig(Meta()) = %+v, %v", got, err)
	}
	if _, err := ParseConfig(map[string]string{}, "x.safetensors"); err == nil || !strings.Contains(err.Error(), "x.safetensors") {
		t.Errorf("no config: err %v, want one naming the file", err)
	}
	if _, err := ParseConfig(map[string]string{ConfigKey: `{"task":"generate"`}, "y.safetensors"); err == nil {
		t.Errorf("truncated JSON accepted")
	}
}

// TestGenerateItemWise checks that with an item-wise sampler a clip depends
// only on its seed stream (First + i), not on the batch it was drawn in,
// and that guidance changes the result.
func TestGenerateItemWise(t *testing.T) {
	m, _ := New(tiny(TaskGenerate), tensor.NewRNG(3))
	tensor.NewRNG(5).FillNormal(m.outConv.Weight.V.Value, 0, 0.3)
	opts := Options{Sampler: sampler.Spec{Name: "euler", Steps: 4}, Guidance: 2, Seed: 7}
	all, err := Generate(context.Background(), m, []int{0, 1, 0}, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.First = 2
	last, err := Generate(context.Background(), m, []int{0}, opts)
	if err != nil {
		t.Fatal(err)
	}
	L := m.Config.Samples
	for j := range L {
		if all.Data[2*L+j] != last.Data[j] {
			t.Fatalf("clip 2 drawn alone differs at %d: %v vs %v", j, last.Data[j], all.Data[2*L+j])
		}
	}
	opts.First, opts.Guidance = 2, 1
	plain, _ := Generate(context.Background(), m, []int{0}, opts)
	same := true
	for j := range L {
		same = same && plain.Data[j] == last.Data[j]
	}
	if same {
		t.Errorf("guidance 2 gave the same clip as guidance 1")
	}
	if _, err := Generate(context.Background(), m, []int{5}, opts); err == nil {
		t.Errorf("label 5 of a 2-class model accepted")
	}
}

// TestEnhanceKnownAnswer uses fresh denoisers, whose output layer starts
// at zero (as DiffWave's): a plain x0 model then predicts x0 = 0 at every
// level and a residual one x0 = the noisy condition. Every sampler must end
// at that prediction, for any number of averaged samples, and the scaling
// to Peak and back must keep it: 0, or the noisy input itself.
func TestEnhanceKnownAnswer(t *testing.T) {
	noisy := gradcheck.Rand([]int{2, 1, 12}, 3)
	for _, residual := range []bool{false, true} {
		for _, name := range []string{"ddim", "heun", "ddpm"} {
			cfg := tiny(TaskDenoise)
			cfg.Residual = residual
			m, _ := New(cfg, tensor.NewRNG(1))
			out, err := Enhance(context.Background(), m, noisy, 2, Options{Sampler: sampler.Spec{Name: name, Steps: 5}, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range out.Data {
				want := float32(0)
				if residual {
					want = noisy.Data[i]
				}
				if math.Abs(float64(v-want)) > 1e-5 {
					t.Fatalf("residual %v, %s: estimate[%d] = %v, want %v", residual, name, i, v, want)
				}
			}
		}
	}
	cfg := tiny(TaskDenoise)
	m, _ := New(cfg, tensor.NewRNG(1))
	if _, err := Enhance(context.Background(), m, tensor.New(1, 1, cfg.Samples+1), 1, Options{Sampler: sampler.Spec{Name: "ddim"}}); err == nil {
		t.Errorf("a clip of the wrong length was accepted")
	}
	gen, _ := New(tiny(TaskGenerate), tensor.NewRNG(1))
	if _, err := Enhance(context.Background(), gen, noisy, 1, Options{Sampler: sampler.Spec{Name: "ddim"}}); err == nil {
		t.Errorf("a generation model was accepted for denoising")
	}
}

func TestNormalize(t *testing.T) {
	x := tensor.FromData([]float32{0.1, -0.2, 0.05, 0, 0, 0}, 2, 1, 3)
	Normalize(x)
	want := []float32{0.45, -0.9, 0.225, 0, 0, 0}
	for i, w := range want {
		if math.Abs(float64(x.Data[i]-w)) > 1e-6 {
			t.Errorf("Normalize: x[%d] = %v, want %v", i, x.Data[i], w)
		}
	}
}

func ExampleDefaultConfig() {
	c := DefaultConfig(TaskGenerate)
	fmt.Println(c.Samples/c.Patch, "positions,", c.Channels, "channels,", c.Layers, "layers")
	// Output: 250 positions, 32 channels, 8 layers
}

// SampleSettings writes the sampler's own step count for the model's
// training steps (0 steps: the sampler's usual count), and the
// temperature and η the spec carries.
func TestSampleSettings(t *testing.T) {
	for _, c := range []struct {
		spec  sampler.Spec
		steps string
	}{
		{sampler.Spec{Name: "euler", Steps: 3, Temperature: 0.5, Eta: 0}, "3"},
		{sampler.Spec{Name: "ddim", Eta: 0.25, Temperature: 1}, fmt.Sprint(sampler.Spec{Name: "ddim"}.StepCount(200))},
	} {
		got := SampleSettings("abc", c.spec, 200, 3, 7)
		want := map[string]string{"checkpoint_sha256": "abc", "sampler": c.spec.Name, "steps": c.steps, "guidance": "3",
			"seed": "7", "temperature": fmt.Sprint(c.spec.Temperature), "eta": fmt.Sprint(c.spec.Eta)}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: settings %v, want %v", c.spec.Name, got, want)
		}
	}
}
