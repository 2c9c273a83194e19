package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
)

// writeNPY writes x as a little-endian float32 NumPy array (format 1.0),
// atomically, so that numpy.load(path) returns it with its shape.
func writeNPY(path string, x *tensor.Tensor) error {
	dims := make([]string, len(x.Shape))
	for i, d := range x.Shape {
		dims[i] = fmt.Sprint(d)
	}
	shape := strings.Join(dims, ", ")
	if len(dims) == 1 {
		shape += ","
	}
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", shape)
	// Magic (6) + version (2) + length (2) + header + newline, padded to 64.
	total := 10 + len(header) + 1
	header += strings.Repeat(" ", (64-total%64)%64) + "\n"
	return checkpoint.WriteAtomic(path, func(w io.Writer) error {
		buf := make([]byte, 0, 10+len(header)+4*len(x.Data))
		buf = append(buf, "\x93NUMPY\x01\x00"...)
		buf = binary.LittleEndian.AppendUint16(buf, uint16(len(header)))
		buf = append(buf, header...)
		for _, v := range x.Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
		_, err := w.Write(buf)
		return err
	})
}
