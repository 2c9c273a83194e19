// Package baseline holds the classical, diffusion-free image methods that
// diffusego's restoration results are compared against: Gaussian blur,
// median filter and non-local means for denoising; mean and harmonic fill
// for inpainting; nearest, bilinear and bicubic resizing for
// super-resolution; PCA reconstruction error and raw-pixel k-nearest
// neighbours for anomaly detection and search; the isolation forest for
// anomalies in table rows.
//
// Images are tensors x: (N, C, H, W) with values in [−1, 1]; every filter
// works on each (n, c) plane separately and returns a new tensor. Borders
// are handled by reflection without repeating the edge pixel
// (…, x2, x1 | x0, x1, x2, … — numpy's "reflect", OpenCV's
// BORDER_REFLECT_101) unless a function says otherwise. Masks are
// per-pixel slices known: (H·W), true where the pixel is given.
//
//	smooth, err := baseline.GaussianBlur(noisy, 1.0)
//	filled, err := baseline.HarmonicFill(img, known, 1e-5, 5000)
//	up, err := baseline.ResizeBicubic(low, 28, 28)
//
// Shape problems come back as errors that name the function and the shapes.
package baseline
