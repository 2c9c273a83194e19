// Package anomaly scores images for anomaly with a trained image model
// (pipeline.Pipeline): the reconstruction error of noising to several
// levels and denoising back (restore.ReconstructionScores) and the
// negative ELBO in bits per dimension (diffusion.ELBO), thresholds picked
// on normal validation images, and a CSV of both scores and flags.
//
// The one-class Fashion-MNIST measurement is anomaly/internal/oneclass;
// its table is in docs/anomaly.md.
package anomaly
