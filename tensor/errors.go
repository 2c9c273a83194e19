package tensor

import (
	"fmt"
	"runtime"
	"strings"
)

// ShapeError reports operands whose shapes an op cannot combine. Ops panic
// with it; entry points turn it into an error with Recover.
type ShapeError struct {
	Op     string  // the op, e.g. "MatMul"
	Shapes [][]int // the operands' shapes, in argument order
	Msg    string  // what does not fit, e.g. "inner sizes 128 ≠ 64"
}

// Error formats as "MatMul: (64, 128) × (64, 10): inner sizes 128 ≠ 64".
func (e *ShapeError) Error() string {
	parts := make([]string, len(e.Shapes))
	for i, s := range e.Shapes {
		parts[i] = FormatShape(s)
	}
	return fmt.Sprintf("%s: %s: %s", e.Op, strings.Join(parts, " × "), e.Msg)
}

// Shapef panics with a *ShapeError built from op, the shapes and a message.
func Shapef(op string, shapes [][]int, format string, args ...any) {
	panic(&ShapeError{Op: op, Shapes: shapes, Msg: fmt.Sprintf(format, args...)})
}

// Recover turns a panic with a *ShapeError (or any other error value) into
// *err. Use it deferred at the top of public entry points that run models:
//
//	func (t *Trainer) Step() (err error) {
//		defer tensor.Recover(&err)
//		…
//	}
//
// Runtime errors (index out of range, nil dereference) are reported too,
// with the panic's location, so that nothing panics into a caller's program.
func Recover(err *error) {
	r := recover()
	if r == nil {
		return
	}
	switch v := r.(type) {
	case runtime.Error:
		*err = fmt.Errorf("internal error: %v\n%s", v, stackTop())
	case error: // *ShapeError and any other error panicked on purpose
		*err = v
	default:
		*err = fmt.Errorf("internal error: %v\n%s", v, stackTop())
	}
}

func stackTop() string {
	buf := make([]byte, 4096)
	return string(buf[:runtime.Stack(buf, false)])
}
