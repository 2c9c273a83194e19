// Command mktable measures the baselines of docs/graph.md on community-small:
// degree, clustering, orbit and spectral MMD² against the test set for Erdős–Rényi
// graphs and for the training set (the floor), over several seeds, and
// draws a few data and baseline graphs.
//
//	go run ./graph/internal/mktable -seeds 10 -png docs/img/graph-community.png
//
// With -compare FILE (graphs in the JSON format of package graph), it also
// prints the MMD² between the generated data set and those graphs.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/diffusego/diffusego/graph"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

func main() {
	seeds := flag.Int("seeds", 10, "number of split and baseline seeds (1…seeds)")
	dataSeed := flag.Uint64("data-seed", 1, "seed of the 100 community-small graphs")
	png := flag.String("png", "", "write a drawing of data and baseline graphs here")
	compare := flag.String("compare", "", "JSON graphs to compare the data set with")
	flag.Parse()
	if err := run(*seeds, *dataSeed, *png, *compare); err != nil {
		fmt.Fprintln(os.Stderr, "mktable:", err)
		os.Exit(1)
	}
}

type row struct {
	name   string
	scores []graph.Scores
}

func run(seeds int, dataSeed uint64, png, compare string) error {
	if seeds < 1 {
		return fmt.Errorf("-seeds %d: want ≥ 1", seeds)
	}
	data := graph.CommunitySmall(100, dataSeed)
	fresh := graph.CommunitySmallConfig()
	fresh.Fixed = false
	freshData, err := fresh.Generate(100, tensor.NewRNG(dataSeed))
	if err != nil {
		return err
	}
	rows := []*row{{name: "Erdős–Rényi (20 graphs)"}, {name: "training set (80 graphs): the floor"},
		{name: "training set (80 graphs): the floor"}, {name: "Erdős–Rényi (20 graphs)"}}
	for s := 1; s <= seeds; s++ {
		for k, set := range [][]*graph.Graph{data, freshData} {
			train, test, err := graph.Split(set, 0.2, uint64(s))
			if err != nil {
				return err
			}
			er, err := graph.ErdosRenyi(train, len(test), tensor.NewRNG(uint64(1000+s)))
			if err != nil {
				return err
			}
			erScores, err := graph.Evaluate(test, er)
			if err != nil {
				return err
			}
			floor, err := graph.Evaluate(test, train)
			if err != nil {
				return err
			}
			if k == 0 {
				rows[0].scores = append(rows[0].scores, erScores)
				rows[1].scores = append(rows[1].scores, floor)
			} else {
				rows[3].scores = append(rows[3].scores, erScores)
				rows[2].scores = append(rows[2].scores, floor)
			}
		}
	}
	fmt.Printf("community-small, data seed %d (100 graphs, %d–%d nodes, edge density %.4f); split and baseline seeds 1–%d; MMD², mean ± standard deviation over the seeds [seed 1]\n\n",
		dataSeed, minNodes(data), maxNodes(data), graph.EdgeDensity(data), seeds)
	for k, r := range []*row{rows[0], rows[1], rows[3], rows[2]} {
		switch k {
		case 0:
			fmt.Println("GDSS's community-small (fixed communities):")
		case 2:
			fmt.Println("\nThe same with fresh communities (Fixed: false):")
		}
		if k%2 == 0 {
			fmt.Println("\n| compared with the test set | degree | clustering | orbit (Gaussian, σ 30) | orbit (Gaussian TV, σ 30) | spectral |")
			fmt.Println("| --- | --- | --- | --- | --- | --- |")
		}
		cols := []func(graph.Scores) float64{
			func(s graph.Scores) float64 { return s.Degree },
			func(s graph.Scores) float64 { return s.Clustering },
			func(s graph.Scores) float64 { return s.Orbit },
			func(s graph.Scores) float64 { return s.OrbitTV },
			func(s graph.Scores) float64 { return s.Spectral },
		}
		var cells []string
		for _, c := range cols {
			cells = append(cells, summary(r.scores, c))
		}
		fmt.Printf("| %s | %s |\n", r.name, strings.Join(cells, " | "))
	}
	train1, test1, _ := graph.Split(data, 0.2, 1)
	er1, _ := graph.ErdosRenyi(train1, len(test1), tensor.NewRNG(1001))
	fmt.Printf("\nRepeats (isomorphism classes): the 100 graphs are %.0f%% unique; of split 1's 20 test graphs %.0f%% are novel (isomorphic to no training graph); the Erdős–Rényi graphs of seed 1 are %.0f%% unique and %.0f%% novel.\n",
		100*graph.Unique(data), 100*graph.Novel(test1, train1), 100*graph.Unique(er1), 100*graph.Novel(er1, train1))
	if compare != "" {
		other, err := graph.ReadJSONFile(compare)
		if err != nil {
			return err
		}
		s, err := graph.Evaluate(other, data)
		if err != nil {
			return err
		}
		fmt.Printf("\n%s (%d graphs) vs the generated data (100): degree %.4f, clustering %.4f, orbit %.4f, orbit TV %.4f, spectral %.4f\n",
			compare, len(other), s.Degree, s.Clustering, s.Orbit, s.OrbitTV, s.Spectral)
		// Its own floor, split as GDSS splits: the first 20% test, in file order.
		nTest := len(other) / 5
		f, err := graph.Evaluate(other[:nTest], other[nTest:])
		if err != nil {
			return err
		}
		fmt.Printf("its graphs are %.0f%% unique; %.0f%% of its first %d (its test set) are novel against the rest\n",
			100*graph.Unique(other), 100*graph.Novel(other[:nTest], other[nTest:]), nTest)
		fmt.Printf("its own floor, first %d (test) vs the other %d: degree %.4f, clustering %.4f, orbit %.4f, orbit TV %.4f, spectral %.4f\n",
			nTest, len(other)-nTest, f.Degree, f.Clustering, f.Orbit, f.OrbitTV, f.Spectral)
		var floors []graph.Scores
		for s := 1; s <= seeds; s++ {
			train, test, err := graph.Split(other, 0.2, uint64(s))
			if err != nil {
				return err
			}
			f, err := graph.Evaluate(test, train)
			if err != nil {
				return err
			}
			floors = append(floors, f)
		}
		fmt.Printf("its floor under the seeded splits 1–%d: degree %s, clustering %s, orbit %s, orbit TV %s, spectral %s\n", seeds,
			summary(floors, func(s graph.Scores) float64 { return s.Degree }), summary(floors, func(s graph.Scores) float64 { return s.Clustering }),
			summary(floors, func(s graph.Scores) float64 { return s.Orbit }), summary(floors, func(s graph.Scores) float64 { return s.OrbitTV }),
			summary(floors, func(s graph.Scores) float64 { return s.Spectral }))
	}
	if png != "" {
		img, err := graph.Draw(append(append([]*graph.Graph(nil), train1[:6]...), er1[:6]...), graph.DrawOptions{Cell: 160, Cols: 6, Seed: 1})
		if err != nil {
			return err
		}
		return pngout.WriteFile(png, img, map[string]string{
			"Title":   "community-small: six training graphs (top), six Erdős–Rényi graphs (bottom)",
			"Command": "go run ./graph/internal/mktable -png " + png,
		})
	}
	return nil
}

func summary(ss []graph.Scores, f func(graph.Scores) float64) string {
	var sum, sum2 float64
	for _, s := range ss {
		v := f(s)
		sum += v
		sum2 += v * v
	}
	n := float64(len(ss))
	mean := sum / n
	sd := math.Sqrt(math.Max(sum2/n-mean*mean, 0) * n / math.Max(n-1, 1))
	return fmt.Sprintf("%.4f ± %.4f [%.4f]", mean, sd, f(ss[0]))
}

func minNodes(gs []*graph.Graph) int {
	m := math.MaxInt
	for _, g := range gs {
		m = min(m, g.N())
	}
	return m
}

func maxNodes(gs []*graph.Graph) int {
	m := 0
	for _, g := range gs {
		m = max(m, g.N())
	}
	return m
}
