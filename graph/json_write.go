package graph

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes graphs as a JSON array in the format ReadJSON reads, one
// node or edge per line, node ids 0…n−1.
func WriteJSON(w io.Writer, graphs []*Graph) error {
	for k, g := range graphs {
		if err := checkNames(g); err != nil {
			return fmt.Errorf("graph: write JSON: graph %d: %w", k, err)
		}
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("[\n")
	for k, g := range graphs {
		bw.WriteString("{")
		if g.NodeNames != nil {
			b, _ := json.Marshal(g.NodeNames)
			fmt.Fprintf(bw, "\"node_types\": %s,\n ", b)
		}
		if g.EdgeNames != nil {
			b, _ := json.Marshal(g.EdgeNames)
			fmt.Fprintf(bw, "\"edge_types\": %s,\n ", b)
		}
		bw.WriteString("\"nodes\": [")
		for i := 0; i < g.n; i++ {
			if i > 0 {
				bw.WriteString(",")
			}
			fmt.Fprintf(bw, "\n  {\"id\": %d, \"type\": %d}", i, g.nodes[i])
		}
		bw.WriteString("],\n \"edges\": [")
		for i, e := range g.Edges() {
			if i > 0 {
				bw.WriteString(",")
			}
			fmt.Fprintf(bw, "\n  {\"source\": %d, \"target\": %d, \"type\": %d}", e.Source, e.Target, e.Type)
		}
		bw.WriteString("]}")
		if k < len(graphs)-1 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

// checkNames reports a type that g's names do not cover, which the JSON
// reader would refuse.
func checkNames(g *Graph) error {
	if g.NodeNames != nil {
		for i, t := range g.nodes {
			if int(t) >= len(g.NodeNames) {
				return fmt.Errorf("node %d has type %d but only %d node type names", i, t, len(g.NodeNames))
			}
		}
	}
	if g.EdgeNames != nil {
		for _, e := range g.Edges() {
			if e.Type > len(g.EdgeNames) {
				return fmt.Errorf("edge %d-%d has type %d but only %d edge type names", e.Source, e.Target, e.Type, len(g.EdgeNames))
			}
		}
	}
	return nil
}
