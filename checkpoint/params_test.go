package checkpoint_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

func params(seed uint64) []*nn.Param {
	rng := tensor.NewRNG(seed)
	return []*nn.Param{
		nn.NewParam("conv.weight", rng.Randn(4, 3, 3, 3)),
		nn.NewParam("conv.bias", rng.Randn(4)),
		nn.NewParam("out.weight", rng.Randn(2, 4)),
	}
}

func TestSaveLoadParams(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	src := params(1)
	if err := checkpoint.SaveParams(path, src, "model.", map[string]string{"step": "7"}); err != nil {
		t.Fatal(err)
	}
	ts, meta, err := checkpoint.ReadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	dst := params(2)
	if err := checkpoint.LoadParams(path, dst, ts, "model."); err != nil {
		t.Fatal(err)
	}
	for i := range src {
		if !sameBits(src[i].V.Value.Data, dst[i].V.Value.Data) {
			t.Errorf("%s differs after save and load", src[i].Name)
		}
	}
	if meta["step"] != "7" {
		t.Errorf("metadata = %v", meta)
	}
}

func TestLoadParamsReportsEverythingFirst(t *testing.T) {
	ts, err := checkpoint.ParamTensors(params(1), "")
	if err != nil {
		t.Fatal(err)
	}
	delete(ts, "conv.bias")               // missing
	ts["out.weight"] = tensor.New(4, 2)   // mis-shaped
	ts["extra.weight"] = tensor.New(1)    // unexpected
	ts["ema.conv.weight"] = tensor.New(1) // unexpected too: the prefix is ""
	dst := params(2)
	before := dst[0].V.Value.Clone()
	err = checkpoint.LoadParams("model.safetensors", dst, ts, "")
	var me *checkpoint.MismatchError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v, want a *MismatchError", err)
	}
	for _, want := range []string{
		`checkpoint model.safetensors: `,
		`1 missing tensors: "conv.bias"`,
		`2 unexpected tensors: "ema.conv.weight", "extra.weight"`,
		`"out.weight": file (4, 2), model (2, 4)`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if !sameBits(before.Data, dst[0].V.Value.Data) {
		t.Error("LoadParams copied conv.weight despite the mismatches")
	}
}

func TestLoadParamsPrefixIgnoresOthers(t *testing.T) {
	ts, _ := checkpoint.ParamTensors(params(1), "model.")
	ts["adam.m.conv.weight"] = tensor.New(1) // another owner's tensor
	if err := checkpoint.LoadParams("f", params(2), ts, "model."); err != nil {
		t.Errorf("LoadParams with prefix: %v", err)
	}
}

func TestSaveParamsDuplicateName(t *testing.T) {
	ps := []*nn.Param{nn.NewParam("w", tensor.New(1)), nn.NewParam("w", tensor.New(1))}
	if err := checkpoint.SaveParams(filepath.Join(t.TempDir(), "m"), ps, "", nil); err == nil {
		t.Error("SaveParams accepted duplicate names")
	}
}
