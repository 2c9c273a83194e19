package textimage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/models/autoencoder"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// sampleOf draws two prompts' images from m with fixed settings.
func sampleOf(t *testing.T, m *Model) *tensor.Tensor {
	t.Helper()
	x, err := m.Sample(context.Background(), []string{"cat face", "red car"}, SampleOptions{Guidance: 3, Seed: 7, Sampler: ddim(3), Threshold: true})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func sameBits(t *testing.T, what string, a, b *tensor.Tensor) {
	t.Helper()
	if !tensor.SameShape(a.Shape, b.Shape) {
		t.Fatalf("%s: shapes %v and %v", what, a.Shape, b.Shape)
	}
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("%s: value %d: %v against %v, want the same bits", what, i, a.Data[i], b.Data[i])
		}
	}
}

// TestExportRoundTrip: in both spaces the export of a checkpoint, read
// from its file (anywhere, without the run folder) or from memory, samples
// the same images bit for bit as the checkpoint's EMA weights with the
// folder's autoencoder; it holds no optimiser state and no raw weights,
// refuses --raw, and a latent export still refuses another autoencoder.
// Time budget: well under a second.
func TestExportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other-ae")
	if err := autoencoder.New(autoencoder.Tiny(), 2).Save(other); err != nil {
		t.Fatal(err)
	}
	for _, latent := range []bool{true, false} {
		m := tiny(t, latent)
		run := filepath.Join(dir, m.Spec.Space)
		ckpt := save(t, m, run)
		from, err := Load(ckpt, "", true)
		if err != nil {
			t.Fatal(err)
		}
		want := sampleOf(t, from)

		dst := filepath.Join(dir, m.Spec.Space+"-export.safetensors") // outside the run folder
		if err := Export(ckpt, "", dst); err != nil {
			t.Fatal(err)
		}
		if !IsModel(dst) {
			t.Errorf("%s: IsModel(export) = false, want true", m.Spec.Space)
		}
		got, err := Load(dst, "", true)
		if err != nil {
			t.Fatal(err)
		}
		sameBits(t, m.Spec.Space+" export from file", want, sampleOf(t, got))
		raw, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		mem, err := LoadBytes(raw, "memory", "", true)
		if err != nil {
			t.Fatal(err)
		}
		sameBits(t, m.Spec.Space+" export from memory", want, sampleOf(t, mem))

		f, err := checkpoint.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		aeTensors := 0
		for name := range f.Tensors {
			if strings.HasPrefix(name, "adam.") || strings.HasPrefix(name, "ema.") || strings.HasPrefix(name, "train.") {
				t.Errorf("%s export holds training tensor %q", m.Spec.Space, name)
			}
			if strings.HasPrefix(name, AutoencoderPrefix) {
				aeTensors++
			}
		}
		if want := len(m.Net.Params()); len(f.Tensors)-aeTensors != want {
			t.Errorf("%s export: %d model tensors, want %d (one per parameter)", m.Spec.Space, len(f.Tensors)-aeTensors, want)
		}
		if latent && aeTensors != len(m.AE.Params()) || !latent && aeTensors != 0 {
			t.Errorf("%s export: %d autoencoder tensors", m.Spec.Space, aeTensors)
		}
		if f.Meta[ExportKey] != filepath.Base(ckpt) || f.Meta[StepKey] != "1" {
			t.Errorf("%s export header: from %q step %q, want %q and 1", m.Spec.Space, f.Meta[ExportKey], f.Meta[StepKey], filepath.Base(ckpt))
		}
		if _, err := Load(dst, "", false); err == nil || !strings.Contains(err.Error(), "only the EMA weights") {
			t.Errorf("%s export with raw weights: err = %v", m.Spec.Space, err)
		}
		if latent {
			if _, err := Load(dst, other, true); err == nil || !strings.Contains(err.Error(), "refusing to decode with a different autoencoder") {
				t.Errorf("latent export given another autoencoder: err = %v", err)
			}
			if _, err := Load(dst, filepath.Join(run, AutoencoderDir), true); err != nil {
				t.Errorf("latent export given its own autoencoder: %v", err)
			}
		}
	}
}

// TestExportBadInputs: every refused export names the problem and writes
// nothing; a damaged export is refused when loaded.
func TestExportBadInputs(t *testing.T) {
	dir := t.TempDir()
	m := tiny(t, true)
	run := filepath.Join(dir, "run")
	ckpt := save(t, m, run)
	good := filepath.Join(dir, "good.safetensors")
	if err := Export(ckpt, "", good); err != nil {
		t.Fatal(err)
	}

	// A class-conditional image checkpoint: weights with another header.
	notText := filepath.Join(dir, "class.safetensors")
	if err := checkpoint.WriteSafetensors(notText, map[string]*tensor.Tensor{"w": tensor.New(2)}, map[string]string{"diffusego.model": "{}"}); err != nil {
		t.Fatal(err)
	}
	// A training checkpoint without EMA weights.
	noEMA := filepath.Join(dir, "noema", "ckpt-000001.safetensors")
	{
		m2 := tiny(t, false)
		x, _ := m2.Encode(tensor.NewRNG(2).Rand(-1, 1, 4, 3, 16, 16))
		tr, err := m2.Trainer(x, captions, 2, train.Options{Steps: 1, LR: 1e-3, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		meta, _ := m2.Meta()
		if err := m2.SaveFolder(filepath.Dir(noEMA)); err != nil {
			t.Fatal(err)
		}
		if err := tr.Save(noEMA, meta); err != nil {
			t.Fatal(err)
		}
	}
	full, err := os.ReadFile(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(run, "ckpt-000002.safetensors")
	if err := os.WriteFile(truncated, full[:len(full)-100], 0o644); err != nil {
		t.Fatal(err)
	}
	lone := filepath.Join(dir, "lone")
	if err := m.SaveFolder(lone); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(lone, AutoencoderDir)); err != nil {
		t.Fatal(err)
	}
	loneCkpt := filepath.Join(lone, "ckpt-000001.safetensors")
	if err := copyFile(ckpt, loneCkpt); err != nil {
		t.Fatal(err)
	}
	otherAE := filepath.Join(dir, "other-ae")
	if err := autoencoder.New(autoencoder.Tiny(), 2).Save(otherAE); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, ckpt, ae, want string
	}{
		{"not a text-to-image checkpoint", notText, "", "not a text-to-image model"},
		{"no EMA weights", noEMA, "", "no EMA weights"},
		{"truncated checkpoint", truncated, "", "out of range"},
		{"missing checkpoint", filepath.Join(run, "ckpt-000009.safetensors"), "", "no such file"},
		{"already an export", good, "", "already a sampling export"},
		{"latent without its autoencoder", loneCkpt, "", ErrNoAutoencoder.Error()},
		{"another autoencoder", ckpt, otherAE, "refusing to decode with a different autoencoder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dst := filepath.Join(dir, "out-"+strings.ReplaceAll(c.name, " ", "-")+".safetensors")
			err := Export(c.ckpt, c.ae, dst)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one containing %q", err, c.want)
			}
			if _, err := os.Stat(dst); err == nil {
				t.Errorf("%s written after a refusal", dst)
			}
		})
	}
	before, _ := os.ReadFile(ckpt)
	if err := Export(ckpt, "", ckpt); err == nil || !strings.Contains(err.Error(), "the checkpoint itself") {
		t.Errorf("export onto its own checkpoint: err = %v", err)
	}
	if after, _ := os.ReadFile(ckpt); string(after) != string(before) {
		t.Error("export onto its own checkpoint changed it")
	}

	// Damaged exports: cut short, or with an altered autoencoder weight.
	exp, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadBytes(exp[:len(exp)-10], "cut.safetensors", "", true); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("truncated export: err = %v", err)
	}
	f, err := checkpoint.Decode(exp, good)
	if err != nil {
		t.Fatal(err)
	}
	f.Tensors[AutoencoderPrefix+"dec.out.bias"].Data[0] += 0.5
	altered := filepath.Join(dir, "altered.safetensors")
	if err := checkpoint.WriteSafetensors(altered, f.Tensors, f.Meta); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(altered, "", true); err == nil || !strings.Contains(err.Error(), "damaged or altered") {
		t.Errorf("export with an altered autoencoder: err = %v", err)
	}
	delete(f.Meta, AutoencoderKey)
	if err := checkpoint.WriteSafetensors(altered, f.Tensors, f.Meta); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(altered, "", true); !errors.Is(err, ErrNoAutoencoder) {
		t.Errorf("latent export without its autoencoder config: err = %v, want ErrNoAutoencoder", err)
	}
	if _, err := LoadBytes(full, "memory", "", true); !errors.Is(err, ErrNoAutoencoder) {
		t.Errorf("latent training checkpoint in memory with no autoencoder: err = %v, want ErrNoAutoencoder", err)
	}
}
