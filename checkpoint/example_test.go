package checkpoint_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Save a model's parameters and load them into a fresh copy; a tensor of
// the wrong shape is reported before anything is copied.
func ExampleLoadParams() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	w := nn.NewParam("linear.weight", tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 2, 3))
	if err := checkpoint.SaveParams(path, []*nn.Param{w}, "", map[string]string{"step": "500"}); err != nil {
		fmt.Println(err)
		return
	}
	tensors, meta, err := checkpoint.ReadSafetensors(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fresh := nn.NewParam("linear.weight", tensor.New(2, 3))
	fmt.Println(checkpoint.LoadParams("model.safetensors", []*nn.Param{fresh}, tensors, ""), fresh.V.Value.Data, meta["step"])

	wrong := nn.NewParam("linear.weight", tensor.New(3, 2))
	fmt.Println(checkpoint.LoadParams("model.safetensors", []*nn.Param{wrong}, tensors, ""))
	// Output:
	// <nil> [1 2 3 4 5 6] 500
	// checkpoint model.safetensors: tensors do not match the model: 1 mis-shaped tensors: "linear.weight": file (2, 3), model (3, 2)
}
