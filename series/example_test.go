package series_test

import (
	"fmt"
	"strings"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/series"
)

// Hide one day of a short series, fill it by linear interpolation and score
// the fill: a point method's CRPS is its absolute error over Σ|x|.
func ExampleEvaluate() {
	in := "date,temp\n2015-01-01,4\n2015-01-02,NA\n2015-01-03,8\n2015-01-04,7\n2015-01-05,9\n"
	tb, err := data.ParseCSV(strings.NewReader(in), "temps.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := series.FromTable(tb, series.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	observed := s.Observed()
	target := [][]bool{{false}, {false}, {false}, {true}, {false}} // hide 2015-01-04
	filled, err := series.LinearInterp(s.Values, observed, target)
	if err != nil {
		fmt.Println(err)
		return
	}
	score, err := series.Evaluate(s.Values, target, [][][]float64{filled})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("filled 2015-01-02 with %.1f and 2015-01-04 with %.1f\n", filled[1][0], filled[3][0])
	fmt.Printf("MAE %.2f, CRPS %.4f over %d cell\n", score.MAE, score.CRPS, score.N)
	// Output:
	// filled 2015-01-02 with 6.0 and 2015-01-04 with 8.5
	// MAE 1.50, CRPS 0.2143 over 1 cell
}

// A long file (one row per ticker and month) becomes one column per ticker.
func ExampleFromTable_long() {
	in := "symbol,date,price\nA,Jan 1 2000,10\nA,Feb 1 2000,11\nB,Feb 1 2000,50\n"
	tb, _ := data.ParseCSV(strings.NewReader(in), "prices.csv")
	s, err := series.FromTable(tb, series.Options{ID: "symbol"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for t, row := range s.Values {
		fmt.Println(s.Times[t].Format("2006-01"), s.Columns, row)
	}
	// Output:
	// 2000-01 [A B] [10 NaN]
	// 2000-02 [A B] [11 50]
}

// Errors name the file, the line and the column.
func ExampleFromTable_error() {
	in := "date,x\n2012-01-01,1\n2012-01-03,2\n2012-01-02,3\n"
	tb, _ := data.ParseCSV(strings.NewReader(in), "w.csv")
	_, err := series.FromTable(tb, series.Options{})
	fmt.Println(err)
	// Output:
	// data: w.csv:4: field "date": want times in increasing order, after 2012-01-03 on line 3, got 2012-01-02
}
