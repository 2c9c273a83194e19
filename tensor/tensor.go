package tensor

import (
	"fmt"
	"strings"

	"github.com/diffusego/diffusego/internal/kernels"
)

// Tensor is an n-dimensional float32 array stored contiguously in row-major
// order: element (i0, i1, …, ik) is at Data[((i0*S1+i1)*S2+i2)…].
type Tensor struct {
	Shape []int
	Data  []float32
}

// New returns a tensor of zeros with the given shape. A tensor with no axes
// is a scalar holding one element.
func New(shape ...int) *Tensor {
	n := Numel(shape)
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, n)}
}

// FromData wraps data (not copied) as a tensor of the given shape. It panics
// with a *ShapeError when len(data) does not equal the product of shape.
func FromData(data []float32, shape ...int) *Tensor {
	if Numel(shape) != len(data) {
		panic(&ShapeError{Op: "FromData", Shapes: [][]int{shape}, Msg: fmt.Sprintf("shape holds %d elements, data has %d", Numel(shape), len(data))})
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data}
}

// Scalar returns a tensor with no axes holding v.
func Scalar(v float32) *Tensor { return &Tensor{Shape: []int{}, Data: []float32{v}} }

// Full returns a tensor of the given shape with every element v.
func Full(v float32, shape ...int) *Tensor {
	t := New(shape...)
	t.Fill(v)
	return t
}

// Numel is the number of elements of a tensor of the given shape. It panics
// on a negative size.
func Numel(shape []int) int {
	n := 1
	for _, s := range shape {
		if s < 0 {
			panic(&ShapeError{Op: "Numel", Shapes: [][]int{shape}, Msg: "negative size"})
		}
		n *= s
	}
	return n
}

// Len is the number of elements.
func (t *Tensor) Len() int { return len(t.Data) }

// Rank is the number of axes.
func (t *Tensor) Rank() int { return len(t.Shape) }

// Dim is the size of axis i; negative i counts from the end.
func (t *Tensor) Dim(i int) int {
	if i < 0 {
		i += len(t.Shape)
	}
	return t.Shape[i]
}

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
}

// ZerosLike returns a tensor of zeros with t's shape.
func ZerosLike(t *Tensor) *Tensor { return New(t.Shape...) }

// Fill sets every element to v.
func (t *Tensor) Fill(v float32) {
	for i := range t.Data {
		t.Data[i] = v
	}
}

// Zero sets every element to 0.
func (t *Tensor) Zero() { clear(t.Data) }

// CopyFrom copies src's elements into t; the element counts must match.
func (t *Tensor) CopyFrom(src *Tensor) {
	if len(src.Data) != len(t.Data) {
		panic(&ShapeError{Op: "CopyFrom", Shapes: [][]int{t.Shape, src.Shape}, Msg: "element counts differ"})
	}
	copy(t.Data, src.Data)
}

// Reshape returns a view of t with a new shape and the same data. One size
// may be -1 and is inferred.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	return &Tensor{Shape: ResolveShape("Reshape", t.Shape, shape), Data: t.Data}
}

// ResolveShape returns shape with a single -1 replaced by the size that makes
// it hold as many elements as from. It panics with a *ShapeError (naming op)
// when that is impossible.
func ResolveShape(op string, from, shape []int) []int {
	out := append([]int(nil), shape...)
	infer, known := -1, 1
	for i, s := range out {
		switch {
		case s == -1 && infer < 0:
			infer = i
		case s < 0:
			panic(&ShapeError{Op: op, Shapes: [][]int{from, shape}, Msg: "bad target size"})
		default:
			known *= s
		}
	}
	n := Numel(from)
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			panic(&ShapeError{Op: op, Shapes: [][]int{from, shape}, Msg: "cannot infer the -1 size"})
		}
		out[infer] = n / known
	} else if known != n {
		panic(&ShapeError{Op: op, Shapes: [][]int{from, shape}, Msg: fmt.Sprintf("%d elements cannot take shape of %d", n, known)})
	}
	return out
}

// Strides returns the row-major strides of shape, in elements.
func Strides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

// At returns the element at the given index, one coordinate per axis.
func (t *Tensor) At(idx ...int) float32 { return t.Data[t.offset(idx)] }

// Set stores v at the given index.
func (t *Tensor) Set(v float32, idx ...int) { t.Data[t.offset(idx)] = v }

func (t *Tensor) offset(idx []int) int {
	if len(idx) != len(t.Shape) {
		panic(&ShapeError{Op: "At", Shapes: [][]int{t.Shape}, Msg: fmt.Sprintf("index %v has %d coordinates", idx, len(idx))})
	}
	off := 0
	for i, x := range idx {
		if x < 0 || x >= t.Shape[i] {
			panic(&ShapeError{Op: "At", Shapes: [][]int{t.Shape}, Msg: fmt.Sprintf("index %v out of range", idx)})
		}
		off = off*t.Shape[i] + x
	}
	return off
}

// SameShape reports whether a and b have identical shapes.
func SameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// AllFinite reports whether no element is NaN or ±Inf (a vector kernel,
// kernels.AllFinite, tests the exponent bits).
func (t *Tensor) AllFinite() bool { return kernels.AllFinite(t.Data) }

// String prints the shape and, for small tensors, the values.
func (t *Tensor) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tensor%s", FormatShape(t.Shape))
	if len(t.Data) <= 16 {
		fmt.Fprintf(&b, " %v", t.Data)
	}
	return b.String()
}

// FormatShape writes a shape as "(2, 3, 4)".
func FormatShape(shape []int) string {
	parts := make([]string, len(shape))
	for i, s := range shape {
		parts[i] = fmt.Sprint(s)
	}
	if len(shape) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
