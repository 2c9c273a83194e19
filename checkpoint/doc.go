// Package checkpoint reads and writes diffusego's files: safetensors
// tensors (https://github.com/huggingface/safetensors), JSON configs, and
// the atomic write both use.
//
// A safetensors file is an 8-byte little-endian header length N, N bytes
// of JSON mapping each tensor name to {"dtype", "shape", "data_offsets"}
// (plus an optional "__metadata__" of strings), then the tensors' bytes.
// diffusego writes F32 tensors sorted by name and reads F32, F64, F16,
// BF16, I64, I32, I16, I8, U8 and BOOL into float32 tensors. Every header
// field is validated before anything is allocated or copied, and errors
// name the file and the tensor.
//
//	err := checkpoint.WriteSafetensors("model.safetensors", tensors, map[string]string{"model": "bench-unet"})
//	f, err := checkpoint.ReadSafetensors("model.safetensors")
//	err = checkpoint.LoadParams("model.safetensors", params, f.Tensors, "")
package checkpoint
