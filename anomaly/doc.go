// Package anomaly scores images for anomaly with a trained image model
// (pipeline.Pipeline).
//
// The feature scores (Detector.Features, Reference) probe each image at a
// few diffusion steps: one network pass on the noised image gives the
// encoder's activations and the predicted noise. From them: the distance
// in encoder features between the image and its reconstructions
// (feat_recon), and, fitted on normal images, the Mahalanobis distance of
// the per-step errors (err_maha), of the features and errors under a
// Ledoit–Wolf Gaussian (feat_maha, FitGaussian), the k-NN distance in
// the features (feat_knn), the sum of per-layer Mahalanobis distances
// (layer_maha) and the mean of the last two, each z-scored on normal
// validation images (feat_ens, Reference.Calibrate). CompressedBits gives the PNG length for the
// complexity-corrected likelihood of Serrà et al. (2020).
//
// The earlier scores (Detector.Score) are the reconstruction error of
// noising to several levels and denoising back
// (restore.ReconstructionScores) and the negative ELBO in bits per
// dimension (diffusion.ELBO). Thresholds are picked on normal validation
// images; WriteCSV and WriteFeatureCSV write the scores and flags.
//
//	det := &anomaly.Detector{Pipeline: p, Class: -1}
//	opt := anomaly.FeatureOptions{Seed: 1, Grid: 2}
//	ref, err := det.Features(normal, opt)
//	r, err := anomaly.FitReference(ref, 5)
//	err = r.Calibrate(valFeatures, false) // normal images not in ref
//	f, err := det.Features(x, opt)
//	scores, err := r.Score(f, false) // scores["feat_ens"][i]
//
// The one-class Fashion-MNIST measurement is anomaly/internal/oneclass
// and the table-row one anomaly/internal/tables; the tables are in
// docs/anomaly.md.
package anomaly
