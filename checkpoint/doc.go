// Package checkpoint saves and loads what training produces: tensors in
// the safetensors format, parameters by name, and JSON configs, always
// written atomically so a crash never leaves a half-written file behind.
//
// A safetensors file is an 8-byte little-endian header length N, N bytes
// of JSON mapping each tensor name to {"dtype", "shape", "data_offsets":
// [begin, end]} (offsets into the data that follows, in bytes) plus an
// optional "__metadata__" map of strings, then the tensors' bytes, packed
// back to back in row-major order. diffusego reads F64, F32, F16, BF16 and
// the integer and bool dtypes into float32 tensors, keeping each tensor's
// stored dtype, and writes F32 with names sorted and the header padded to
// a multiple of 8 bytes. Everything read from a file is checked before it
// is used; errors name the file, the tensor and what was expected.
//
//	params := model.Params()
//	if err := checkpoint.SaveParams("model.safetensors", params, "", map[string]string{"step": "1000"}); err != nil {
//		return err
//	}
//	tensors, meta, err := checkpoint.ReadSafetensors("model.safetensors")
//	if err != nil {
//		return err
//	}
//	err = checkpoint.LoadParams("model.safetensors", params, tensors, "") // names and shapes checked first
package checkpoint
