// Package metrics scores generated samples against real ones.
//
// Pixel metrics compare an image with its reference: PSNR and SSIM (Wang et
// al. 2004) take tensors of shape (N, C, H, W) — or (C, H, W) and (H, W),
// read as one image — and a data range L, the span of the pixel values: 2
// for images in [−1, 1] as the data package loads them, 1 for [0, 1], 255
// for 8-bit values.
//
// Distribution metrics compare two sets of feature vectors, tensors of
// shape (N, D) with one sample per row, usually a classifier's hidden
// features (classifier.CNN.Embed): the Fréchet distance between Gaussians
// fitted to each set (FID when the features are Inception's), and k-NN
// precision and recall (Kynkäänniemi et al. 2019). Every such score
// depends on the sample count, so Floor measures the same metric between
// two disjoint random halves of the real set, the value a perfect model
// would get, and Report carries the count and the floor beside the score.
//
// AUROC scores a detector (anomaly scores against labels), and BitsPerDim
// turns a negative log-likelihood in nats into bits per dimension of 8-bit
// data.
//
// Everything is computed in float64 and is deterministic: the same inputs
// and seed give the same bits.
//
// Example:
//
//	feats := func(x *tensor.Tensor) *tensor.Tensor { return net.Embed(x) }
//	rep, err := metrics.Evaluate(feats(realImages), feats(samples), metrics.Options{K: 3, Seed: 1})
//	fmt.Printf("n=%d FD %.2f (real-vs-real floor %.2f) precision %.3f recall %.3f\n",
//		rep.Samples, rep.FD, rep.FloorFD, rep.Precision, rep.Recall)
package metrics
