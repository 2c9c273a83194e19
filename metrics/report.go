package metrics

import (
	"fmt"

	"github.com/diffusego/diffusego/tensor"
)

// Floor is metric between two disjoint random subsets of real: (N, …), n
// rows each, drawn with seed: the score a model whose samples were more
// real data would get at that sample count, so a report can print it
// beside the model's score. It needs N ≥ 2n.
func Floor(real *tensor.Tensor, n int, seed uint64, metric func(a, b *tensor.Tensor) (float64, error)) (float64, error) {
	if real == nil || real.Rank() < 1 {
		return 0, fmt.Errorf("metrics: Floor: want a tensor (N, …)")
	}
	total := real.Dim(0)
	if n < 1 || 2*n > total {
		return 0, fmt.Errorf("metrics: Floor: %d real rows cannot make two disjoint halves of %d", total, n)
	}
	perm := tensor.NewRNG(seed).Perm(total)
	return metric(Rows(real, perm[:n]), Rows(real, perm[n:2*n]))
}

// Rows gathers rows idx of x: (N, …) into a new tensor (len(idx), …).
// Every index must be in [0, N).
func Rows(x *tensor.Tensor, idx []int) *tensor.Tensor {
	per := x.Len() / max(x.Dim(0), 1)
	shape := append([]int{len(idx)}, x.Shape[1:]...)
	out := tensor.New(shape...)
	for i, r := range idx {
		copy(out.Data[i*per:(i+1)*per], x.Data[r*per:(r+1)*per])
	}
	return out
}

// Options sets what Evaluate computes.
type Options struct {
	K        int    // neighbourhood of precision and recall; 0 means DefaultK
	Seed     uint64 // draws the real subset scored and the floor's halves
	Features string // names the feature space in the report, e.g. "classifier/fmnist"
	NoFloor  bool   // skip the real-vs-real floor (it costs as much again)
}

// Report is the distribution scores of one set of samples, serialisable as
// JSON. It always carries the sample counts, since every score here is
// biased by them: compare reports only at equal Samples, and read a score
// against its floor, which is measured at the same counts.
type Report struct {
	Samples     int    `json:"samples"`            // generated samples scored
	RealSamples int    `json:"real_samples"`       // real samples they were compared with
	Features    string `json:"features,omitempty"` // the feature space
	K           int    `json:"k"`                  // precision/recall neighbourhood

	FD        float64 `json:"fd"`        // Fréchet distance, real vs generated
	Precision float64 `json:"precision"` // fraction of samples on the real manifold
	Recall    float64 `json:"recall"`    // fraction of real data on the sample manifold

	// The same metrics between two disjoint random real subsets of
	// FloorSamples each, drawn with Seed; absent when skipped or when
	// there is too little real data.
	FloorSamples   int     `json:"floor_samples,omitempty"`
	FloorFD        float64 `json:"floor_fd,omitempty"`
	FloorPrecision float64 `json:"floor_precision,omitempty"`
	FloorRecall    float64 `json:"floor_recall,omitempty"`
	Seed           uint64  `json:"seed"`
}

// Evaluate scores generated features fake: (M, D) against real features
// real: (N, D): Fréchet distance, precision and recall, and unless
// opt.NoFloor the real-vs-real floor of each. So that score and floor are
// measured at the same counts, M vs M, a real set larger than M is first
// cut to a random subset of M rows (drawn with opt.Seed; it is the floor's
// first half), and the floor compares two disjoint real subsets of
// min(M, N/2) rows. Give at least 2M real rows for a floor at full count.
func Evaluate(real, fake *tensor.Tensor, opt Options) (Report, error) {
	k := opt.K
	if k == 0 {
		k = DefaultK
	}
	rep := Report{Features: opt.Features, K: k, Seed: opt.Seed}
	if _, _, err := rows("Evaluate real", real, k+1); err != nil {
		return rep, err
	}
	if _, _, err := rows("Evaluate fake", fake, k+1); err != nil {
		return rep, err
	}
	n, m := real.Dim(0), fake.Dim(0)
	perm := tensor.NewRNG(opt.Seed).Perm(n) // the draw Floor makes with opt.Seed
	scored := real
	if n > m {
		scored = Rows(real, perm[:m])
	}
	rep.RealSamples, rep.Samples = scored.Dim(0), m
	var err error
	if rep.FD, err = FrechetDistance(scored, fake); err != nil {
		return rep, err
	}
	if rep.Precision, rep.Recall, err = PrecisionRecall(scored, fake, k); err != nil {
		return rep, err
	}
	half := min(m, n/2)
	if opt.NoFloor || half <= k {
		return rep, nil
	}
	rep.FloorSamples = half
	if rep.FloorFD, err = Floor(real, half, opt.Seed, FrechetDistance); err != nil {
		return rep, err
	}
	pr := func(a, b *tensor.Tensor) (float64, error) {
		p, r, err := PrecisionRecall(a, b, k)
		rep.FloorRecall = r
		return p, err
	}
	if rep.FloorPrecision, err = Floor(real, half, opt.Seed, pr); err != nil {
		return rep, err
	}
	return rep, nil
}
