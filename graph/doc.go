// Package graph is diffusego's graph modality: graphs with typed nodes and
// edges, their file formats, the benchmark data, and the metrics and
// baselines that graph generators are judged by. The generator (discrete
// diffusion on node and edge categories, DiGress, Vignac et al. 2023) is
// graph/digress; molecules (SMILES) are in graph/molecule.
//
// A Graph is simple and undirected: n nodes numbered 0…n−1, each with a
// type (a small integer category), and a dense symmetric matrix of edge
// types in which 0 means "no edge". Names of types are optional. Graphs
// are read and written as JSON (ReadJSONFile, WriteJSON; networkx's
// node-link JSON reads as it is) or as edge lists (ReadEdgeListFile,
// WriteEdgeList); bad input is refused with a *ParseError that names the
// file, the line and the field.
//
// Data: CommunitySmall draws the community-small benchmark exactly as GDSS
// (Jo et al. 2022) generates it, fixed networkx communities included (see
// Community), and Split makes the seeded 80/20 split. Metrics: Evaluate
// gives the squared MMD between two sets of graphs of degree histograms,
// clustering-coefficient histograms, 4-node orbit counts and Laplacian
// spectra, with the kernels and bandwidths of the GraphRNN (You et al.
// 2018) and GDSS evaluation code; Orbits counts the 15 orbits per node as
// the ORCA tool does; Isomorphic, Unique and Novel tell repeated and
// copied graphs. Baselines: ErdosRenyi draws graphs with the data's node
// counts and edge density; the training set against the test set is the
// floor. Draw renders graphs to an image. docs/graph.md has the measured
// tables.
//
//	data := graph.CommunitySmall(100, 1)
//	train, test, _ := graph.Split(data, 0.2, 1)
//	er, _ := graph.ErdosRenyi(train, len(test), tensor.NewRNG(1))
//	scores, _ := graph.Evaluate(test, er) // scores.Degree, .Clustering, .Orbit
package graph
