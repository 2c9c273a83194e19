package series

import (
	"reflect"
	"testing"
	"time"
)

func TestSplitAndWindows(t *testing.T) {
	s, err := Read("testdata/seattle-weather.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := Split(s, time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 366+365+365 || test.Len() != 365 || test.Times[0].Year() != 2015 || train.Times[train.Len()-1].Year() != 2014 {
		t.Errorf("train %d rows to %v, test %d rows from %v", train.Len(), train.Times[train.Len()-1], test.Len(), test.Times[0])
	}
	fit, val, err := SplitRows(train, train.Len()-90)
	if err != nil || val.Len() != 90 || fit.Len()+val.Len() != train.Len() {
		t.Errorf("validation tail: %v, %d + %d rows", err, fit.Len(), val.Len())
	}
	if _, _, err := SplitRows(train, 0); err == nil {
		t.Error("empty split: no error")
	}
	starts, err := Windows(10, 30, 7, 5)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{10, 15, 20}; !reflect.DeepEqual(starts, want) {
		t.Errorf("Windows(10, 30, 7, 5) = %v, want %v (the next, 25, would end at 32 > 30)", starts, want)
	}
	if _, err := Windows(0, 10, 0, 1); err == nil {
		t.Error("zero length: no error")
	}
}
