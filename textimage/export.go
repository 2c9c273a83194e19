package textimage

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/models/autoencoder"
	"github.com/diffusego/diffusego/tensor"
)

// Header entries of a sampling export (Export).
const (
	// ExportKey names the checkpoint an export was made from; its presence
	// marks a file as an export.
	ExportKey = "diffusego.textimage.exported_from"
	// StepKey is the training step of the exported weights.
	StepKey = "diffusego.textimage.step"
	// AutoencoderKey holds the embedded autoencoder's config as JSON.
	AutoencoderKey = "diffusego.textimage.autoencoder"
	// AutoencoderPrefix starts the names of the embedded autoencoder's
	// tensors.
	AutoencoderPrefix = "autoencoder."
	format            = "diffusego-textimage"
)

// Export writes a sampling-only copy of the training checkpoint ckpt to
// dst: one safetensors file holding the EMA weights of the U-Net and the
// text encoder under their own names, the Spec in the header and, for a
// latent model, the autoencoder's weights ("autoencoder." before their
// names) with its config in the header, so that the file alone is the
// whole model (Load, LoadBytes). It has no raw weights, no optimiser
// state and no loss history, and cannot resume training. All weights
// stay float32, so the export samples the same bits as the run folder.
//
// The autoencoder is the one Load finds: aeDir, or when aeDir is "" the
// copy in ckpt's folder; its hash must be the one the model records.
// Everything is read and checked before dst is written (atomically), so
// a refused export writes nothing.
func Export(ckpt, aeDir, dst string) error {
	if same, _ := sameFile(ckpt, dst); same {
		return fmt.Errorf("textimage export: %s is the checkpoint itself: choose another output file", dst)
	}
	f, err := checkpoint.ReadFile(ckpt)
	if err != nil {
		return err
	}
	if f.Meta[ExportKey] != "" {
		return fmt.Errorf("checkpoint %s: already a sampling export (from %s): copy the file instead", ckpt, f.Meta[ExportKey])
	}
	if _, ok := f.Meta[specKey]; ok && f.Meta["ema.steps"] == "" {
		return fmt.Errorf("checkpoint %s: no EMA weights (\"ema.steps\" missing from the header): an export holds a training checkpoint's EMA weights", ckpt)
	}
	m, err := load(f, ckpt, filepath.Dir(ckpt), aeDir, true)
	if err != nil {
		return err
	}
	meta, err := m.Meta()
	if err != nil {
		return err
	}
	meta[ExportKey] = filepath.Base(ckpt)
	if step, ok := f.Meta["train.step"]; ok {
		meta[StepKey] = step
	}
	tensors, err := checkpoint.ParamTensors(m.Net.Params(), "")
	if err != nil {
		return fmt.Errorf("textimage export: %w", err)
	}
	if m.AE != nil {
		entry, err := checkpoint.MetaJSON(AutoencoderKey, m.AE.Config)
		if err != nil {
			return fmt.Errorf("textimage export: %w", err)
		}
		maps.Copy(meta, entry)
		ae, err := checkpoint.ParamTensors(m.AE.Params(), AutoencoderPrefix)
		if err != nil {
			return fmt.Errorf("textimage export: autoencoder: %w", err)
		}
		maps.Copy(tensors, ae)
	}
	return checkpoint.WriteSafetensors(dst, tensors, meta)
}

// sameFile reports whether a and b name one existing file.
func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// loadExportedAE rebuilds the autoencoder embedded in an export from its
// config (AutoencoderKey) and tensors, and checks that it hashes to the
// model's record: a file whose autoencoder was altered is refused.
func loadExportedAE(f *checkpoint.File, name string, spec Spec) (*autoencoder.Autoencoder, error) {
	raw, ok := f.Meta[AutoencoderKey]
	if !ok {
		return nil, fmt.Errorf("checkpoint %s: a latent export without %q in its header: %w", name, AutoencoderKey, ErrNoAutoencoder)
	}
	var cfg autoencoder.Config
	if err := checkpoint.DecodeJSON([]byte(raw), name+": "+AutoencoderKey, &cfg); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %q: %w", name, AutoencoderKey, err)
	}
	ae := autoencoder.New(cfg, 0)
	if err := checkpoint.LoadParams(name, ae.Params(), f.Tensors, AutoencoderPrefix); err != nil {
		return nil, err
	}
	hash, err := ae.Hash()
	if err != nil {
		return nil, err
	}
	if hash != spec.AutoencoderHash {
		return nil, fmt.Errorf("checkpoint %s: the embedded autoencoder hashes to %s, but the model was trained with %s: the file is damaged or altered", name, short(hash), short(spec.AutoencoderHash))
	}
	return ae, nil
}

// modelTensors is f's tensors less the embedded autoencoder's.
func modelTensors(f *checkpoint.File) map[string]*tensor.Tensor {
	out := make(map[string]*tensor.Tensor, len(f.Tensors))
	for k, v := range f.Tensors {
		if !strings.HasPrefix(k, AutoencoderPrefix) {
			out[k] = v
		}
	}
	return out
}

// isExportFile reports whether the safetensors header of the file at
// path says it is a text-to-image checkpoint (the format entry of Meta).
// Only the header is read; any error means no.
func isExportFile(path string) bool {
	meta, err := checkpoint.ReadMeta(path)
	return err == nil && meta["format"] == format
}
