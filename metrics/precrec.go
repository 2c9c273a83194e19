package metrics

import (
	"fmt"

	"github.com/diffusego/diffusego/tensor"
)

// DefaultK is the neighbourhood size of Kynkäänniemi et al. (2019) for
// precision and recall.
const DefaultK = 3

// PrecisionRecall is the improved precision and recall of Kynkäänniemi,
// Karras, Laine, Lehtinen and Aila, "Improved Precision and Recall Metric
// for Assessing Generative Models" (NeurIPS 2019), on feature sets real:
// (N, D) and fake: (M, D). Each set's manifold is the union of balls
// around its points, a ball's radius being the distance to the point's
// k-th nearest neighbour in its own set. Precision is the fraction of fake
// points inside the real manifold (are the samples realistic?); recall
// the fraction of real points inside the fake manifold (is the data
// covered?). Boundaries count as inside. Both sets need more than k
// points; k = DefaultK = 3 in the paper. Cost: O((N+M)²·D) in float32
// matrix products (distances summed in float64), computed in blocks of 256
// rows, so memory stays O((N+M)·D).
func PrecisionRecall(real, fake *tensor.Tensor, k int) (precision, recall float64, err error) {
	if k < 1 {
		return 0, 0, fmt.Errorf("metrics: PrecisionRecall: k = %d, want ≥ 1 (the paper uses %d)", k, DefaultK)
	}
	_, dr, err := rows("PrecisionRecall real", real, k+1)
	if err != nil {
		return 0, 0, err
	}
	_, df, err := rows("PrecisionRecall fake", fake, k+1)
	if err != nil {
		return 0, 0, err
	}
	if dr != df {
		return 0, 0, fmt.Errorf("metrics: PrecisionRecall: real features have %d columns, fake %d", dr, df)
	}
	centre := columnMean(real, fake)
	r, f := newPointSet(real, centre), newPointSet(fake, centre)
	precision = coveredFraction(f, r, kthNeighbourSq(r, k))
	recall = coveredFraction(r, f, kthNeighbourSq(f, k))
	return precision, recall, nil
}
