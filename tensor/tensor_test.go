package tensor

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestRNGIsReproducible(t *testing.T) {
	a, b := NewRNG(7).Randn(100), NewRNG(7).Randn(100)
	c := NewRNG(8).Randn(100)
	same := true
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("same seed, different draw at %d", i)
		}
		same = same && a.Data[i] == c.Data[i]
	}
	if same {
		t.Fatal("seeds 7 and 8 gave the same draws")
	}
	s1, s2 := NewRNG(7).Split(1).Uniform(), NewRNG(7).Split(2).Uniform()
	if s1 == s2 {
		t.Fatal("split streams 1 and 2 start with the same number")
	}
}

func TestRNGStateResumes(t *testing.T) {
	r := NewRNG(3)
	r.Normal()
	st, err := r.State()
	if err != nil {
		t.Fatal(err)
	}
	want := r.Normal()
	r2 := NewRNG(99)
	if err := r2.SetState(st); err != nil {
		t.Fatal(err)
	}
	if got := r2.Normal(); got != want {
		t.Fatalf("restored RNG drew %g, want %g", got, want)
	}
}

func TestReshapeSharesAndInfers(t *testing.T) {
	x := New(2, 3, 4)
	y := x.Reshape(4, -1)
	if !SameShape(y.Shape, []int{4, 6}) {
		t.Fatalf("Reshape(4, -1) of (2, 3, 4) = %v, want (4, 6)", y.Shape)
	}
	y.Data[5] = 9
	if x.Data[5] != 9 {
		t.Fatal("Reshape copied the data")
	}
	var err error
	func() {
		defer Recover(&err)
		x.Reshape(5, -1)
	}()
	var se *ShapeError
	if !errors.As(err, &se) || !strings.HasPrefix(err.Error(), "Reshape: (2, 3, 4) × (5, -1)") {
		t.Fatalf("Reshape(5, -1) of 24 elements: err = %v, want a ShapeError", err)
	}
}

func TestAtAndAllFinite(t *testing.T) {
	x := FromData([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	if x.At(1, 2) != 6 || x.At(0, 1) != 2 {
		t.Fatalf("At = %g, %g, want 6, 2", x.At(1, 2), x.At(0, 1))
	}
	if !x.AllFinite() {
		t.Fatal("AllFinite of finite data = false")
	}
	x.Data[3] = float32(inf())
	if x.AllFinite() {
		t.Fatal("AllFinite with an Inf = true")
	}
	// A tensor long enough for the vector paths: each non-finite value at
	// each of a few positions, and the largest finite values.
	y := New(3, 50)
	for _, v := range []float32{float32(inf()), float32(-inf()), float32(math.NaN())} {
		for _, at := range []int{0, 31, 64, 127, 149} {
			y.Data[at] = v
			if y.AllFinite() {
				t.Fatalf("AllFinite with %g at %d = true", v, at)
			}
			y.Data[at] = math.MaxFloat32
			if !y.AllFinite() {
				t.Fatalf("AllFinite with MaxFloat32 at %d = false", at)
			}
		}
	}
}

func TestRecoverTurnsRuntimePanicsIntoErrors(t *testing.T) {
	var err error
	func() {
		defer Recover(&err)
		var s []int
		_ = s[3]
	}()
	if err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Fatalf("Recover of an index panic: err = %v", err)
	}
}

func inf() float64 { z := 0.0; return 1 / z }
