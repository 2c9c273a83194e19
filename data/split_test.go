package data_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tensor"
)

func TestSplitIndices(t *testing.T) {
	s, err := data.SplitIndices(103, 0.1, 0.2, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Val) != 10 || len(s.Test) != 21 || len(s.Train) != 72 {
		t.Errorf("sizes train %d, val %d, test %d; want 72, 10, 21", len(s.Train), len(s.Val), len(s.Test))
	}
	all := slices.Concat(s.Train, s.Val, s.Test)
	slices.Sort(all)
	for i, v := range all {
		if v != i {
			t.Fatalf("split is not a partition of 0..102: sorted[%d] = %d", i, v)
		}
	}
	again, _ := data.SplitIndices(103, 0.1, 0.2, 7)
	other, _ := data.SplitIndices(103, 0.1, 0.2, 8)
	if fmt.Sprint(again) != fmt.Sprint(s) {
		t.Error("same seed, different split")
	}
	if fmt.Sprint(other) == fmt.Sprint(s) {
		t.Error("different seeds, same split")
	}
}

func TestSplitIndicesBad(t *testing.T) {
	for _, c := range []struct {
		n         int
		val, test float64
		want      string
	}{
		{10, -0.1, 0, "validation fraction -0.1"},
		{10, 0, 1, "test fraction 1"},
		{10, 0.5, 0.5, "leave 0 for training"},
		{0, 0, 0, "leave 0 for training"},
	} {
		_, err := data.SplitIndices(c.n, c.val, c.test, 1)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SplitIndices(%d, %v, %v) error %v, want %q", c.n, c.val, c.test, err, c.want)
		}
	}
}

// TestSubset: a subset serves the items of its index, in order.
func TestSubset(t *testing.T) {
	d := countingSet(t, 6)
	s := &data.Subset{Data: d, Index: []int{5, 2, 0}}
	x, y, err := s.Batch([]int{1, 0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if x.Data[0] != 2 || x.Data[2] != 5 || y[0] != 102 || y[1] != 105 {
		t.Errorf("x %v, y %v; want items 2 and 5", x.Data, y)
	}
	if _, _, err := s.Batch([]int{3}, nil); err == nil {
		t.Error("index 3 of a 3-item subset: no error")
	}
}

// countingSet has n items of shape (1, 1, 2) whose pixels equal their
// index and whose label is 100 + index.
func countingSet(t testing.TB, n int) *data.TensorDataset {
	x := tensor.New(n, 1, 1, 2)
	y := make([]int, n)
	for i := range n {
		x.Data[2*i], x.Data[2*i+1] = float32(i), float32(i)
		y[i] = 100 + i
	}
	d, err := data.NewTensorDataset(x, y)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
