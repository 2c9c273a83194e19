// Package graph is diffusego's graph modality: graphs with typed nodes and
// edges, their file formats, the benchmark data, the metrics and the
// baselines that graph generators are judged by. The generator itself
// (discrete diffusion on node and edge categories, DiGress, Vignac et al.
// 2023) and its sampler will live here too; molecules (SMILES) are in
// graph/molecule.
package graph
