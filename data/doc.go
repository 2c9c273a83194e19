// Package data reads the data sets diffusego trains on and turns them into
// tensors.
//
// Images come out as float32 tensors laid out NCHW, scaled from bytes to
// [-1, 1] with x = pixel/127.5 − 1, the range the diffusion models are trained
// in. Labels come out as class indices.
//
// Everything read from a file is checked before it is trusted: a wrong magic
// number, a header that claims more data than the file holds, trailing bytes
// or a label out of range give a *ParseError that names the file, the field,
// what was expected and what was found. Sizes in a header are checked against
// the file (and a hard cap) before any buffer of that size is allocated, so a
// corrupt or hostile file costs an error, never a panic or a huge allocation.
//
// IDX files (the MNIST format) are read compressed or not: gzip is recognised
// by its magic bytes, not by the file name.
//
//	images, labels, err := data.LoadFashionMNIST("/usr/share/datasets/fashion-mnist", "train")
//	if err != nil {
//		return err
//	}
//	// images: (60000, 1, 28, 28) in [-1, 1]; labels: 60000 class indices 0..9
package data
