// Command srbench scores a super-resolution model (diffuse train --task
// superres) against nearest, bilinear and bicubic upsampling on the
// Fashion-MNIST test set: mean per-image PSNR (dB, peak-to-peak 2) and
// SSIM (metrics.SSIM) of the enlarged images against the originals, all
// clipped to [−1, 1]. The low-resolution images are the test images [0, n)
// shrunk by the model's factor with area averaging (restore.Downsample),
// as in training. Sampling uses static thresholding (Options.Threshold)
// and is seeded, so the numbers repeat bit for bit on
// one machine. Run from the repository root:
//
//	go run ./restore/internal/srbench -checkpoint out/superres-x2 -n 1000 \
//		-figure docs/img/superres-x2.png
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/metrics"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
)

func main() {
	dir := flag.String("data", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST directory")
	ckpt := flag.String("checkpoint", "", "super-resolution checkpoint file, or a run folder (its newest checkpoint)")
	n := flag.Int("n", 1000, "evaluation images: test set [0, n)")
	steps := flag.Int("steps", 20, "sampler steps")
	name := flag.String("sampler", "dpmpp2m", "sampler")
	means := flag.String("mean", "4", "comma-separated sample counts to average, besides one sample (\"\" for none)")
	meanN := flag.Int("mean-n", 0, "images for the averaged rows: test set [0, mean-n); 0 means n")
	figure := flag.String("figure", "", "write a PNG: low resolution | nearest | bicubic | diffusego | original for 8 images")
	flag.Parse()
	if err := run(*dir, *ckpt, *n, *steps, *name, *means, *meanN, *figure); err != nil {
		fmt.Fprintln(os.Stderr, "srbench:", err)
		os.Exit(1)
	}
}

func run(dir, ckpt string, n, steps int, name, means string, meanN int, figure string) error {
	if ckpt == "" {
		return fmt.Errorf("-checkpoint: want a super-resolution checkpoint or run folder")
	}
	ckpt, err := jobs.NewestCheckpoint(ckpt)
	if err != nil {
		return err
	}
	p, err := pipeline.Load(ckpt, true)
	if err != nil {
		return err
	}
	if p.Model.Cond == nil || p.Model.Cond.Task != pipeline.TaskSuperRes {
		return fmt.Errorf("checkpoint %s: not a super-resolution model", ckpt)
	}
	test, _, err := data.LoadFashionMNIST(dir, "test")
	if err != nil {
		return err
	}
	if n < 1 || n > test.Dim(0) {
		return fmt.Errorf("-n: want 1..%d, got %d", test.Dim(0), n)
	}
	if meanN <= 0 || meanN > n {
		meanN = n
	}
	x := head(test, n)
	factor := p.Model.Cond.Factor
	low, err := restore.Downsample(x, factor)
	if err != nil {
		return err
	}
	fmt.Printf("Super-resolution x%d (%d→%d pixels), Fashion-MNIST test images 0–%d; checkpoint %s (EMA weights)\n\n",
		factor, 28/factor, 28, n-1, ckpt)
	fmt.Println("| method | images | PSNR (dB) | SSIM | seconds |")
	fmt.Println("| --- | --- | --- | --- | --- |")
	ups := map[string]*tensor.Tensor{}
	for _, m := range []string{"nearest", "bilinear", "bicubic"} {
		if ups[m], err = restore.Upsample(low, factor, m); err != nil {
			return err
		}
		if err := report(m+" upsampling", ups[m], x, 0); err != nil {
			return err
		}
	}
	spec := sampler.Spec{Name: name, Steps: steps}
	cond, err := p.LowResCondition(low)
	if err != nil {
		return err
	}
	ctx := context.Background()
	// One DDIM step from the largest σ returns the network's x0 estimate
	// where x_t holds no information: E[x | low], the posterior mean in one
	// network call.
	start := time.Now()
	oneShot, err := p.Translate(ctx, cond, pipeline.Options{Sampler: sampler.Spec{Name: "ddim", Steps: 1}, Seed: 1, Threshold: true})
	if err != nil {
		return err
	}
	if err := report("diffusego, posterior mean in one network call (DDIM, 1 step)", oneShot, x, time.Since(start)); err != nil {
		return err
	}
	start = time.Now()
	one, err := p.TranslateMean(ctx, cond, pipeline.Options{Sampler: spec, Seed: 1, Threshold: true}, 1)
	if err != nil {
		return err
	}
	label := fmt.Sprintf("diffusego, one sample (%s, %d steps)", name, steps)
	if err := report(label, one, x, time.Since(start)); err != nil {
		return err
	}
	for _, f := range strings.Split(means, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		var k int
		if _, err := fmt.Sscan(f, &k); err != nil || k < 2 {
			return fmt.Errorf("-mean: want counts ≥ 2, got %q", f)
		}
		start := time.Now()
		avg, err := p.TranslateMean(ctx, head(cond, meanN), pipeline.Options{Sampler: spec, Seed: 1, Threshold: true}, k)
		if err != nil {
			return err
		}
		if err := report(fmt.Sprintf("diffusego, mean of %d samples", k), avg, head(x, meanN), time.Since(start)); err != nil {
			return err
		}
	}
	if figure == "" {
		return nil
	}
	return writeFigure(figure, low, ups["nearest"], ups["bicubic"], one, x)
}

// report prints one table row: mean per-image PSNR and mean SSIM of est
// (clipped to [−1, 1]) against ref.
func report(method string, est, ref *tensor.Tensor, took time.Duration) error {
	c := tensor.New(est.Shape...)
	for i, v := range est.Data {
		c.Data[i] = min(max(v, -1), 1)
	}
	per, err := metrics.PSNRPerImage(c, ref, 2)
	if err != nil {
		return err
	}
	mean := 0.0
	for _, v := range per {
		mean += v
	}
	ssim, err := metrics.SSIM(c, ref, 2)
	if err != nil {
		return err
	}
	secs := "–"
	if took > 0 {
		secs = fmt.Sprintf("%.0f", took.Seconds())
	}
	fmt.Printf("| %s | %d | %.2f | %.4f | %s |\n", method, ref.Dim(0), mean/float64(len(per)), ssim, secs)
	return nil
}

// writeFigure writes 8 rows of low resolution (at its own size, centred),
// nearest, bicubic, one diffusego sample and the original, each pixel
// drawn as 3×3.
func writeFigure(path string, low, nearest, bicubic, sr, x *tensor.Tensor) error {
	const rows, cols = 8, 5
	rows8 := min(rows, x.Dim(0))
	h, w := x.Dim(2), x.Dim(3)
	lh, lw := low.Dim(2), low.Dim(3)
	grid := tensor.New(rows8*cols, 1, h, w)
	for i := range grid.Data {
		grid.Data[i] = -1
	}
	plane := h * w
	for r := range rows8 {
		cell := grid.Data[(r*cols)*plane : (r*cols+1)*plane]
		oy, ox := (h-lh)/2, (w-lw)/2
		for y := range lh {
			copy(cell[(oy+y)*w+ox:(oy+y)*w+ox+lw], low.Data[r*lh*lw+y*lw:r*lh*lw+(y+1)*lw])
		}
		for k, t := range []*tensor.Tensor{nearest, bicubic, sr, x} {
			copy(grid.Data[(r*cols+k+1)*plane:(r*cols+k+2)*plane], t.Data[r*plane:(r+1)*plane])
		}
	}
	for i, v := range grid.Data {
		grid.Data[i] = min(max(v, -1), 1)
	}
	big, err := restore.Upsample(grid, 3, "nearest") // 3× pixels, so the 28×28 images can be seen
	if err != nil {
		return err
	}
	img, err := pngout.Grid(big, cols, 4)
	if err != nil {
		return err
	}
	return pngout.WriteFile(path, img, map[string]string{"columns": "low resolution, nearest, bicubic, diffusego (one sample), original",
		"images": "Fashion-MNIST test 0-7"})
}

// head returns the first n items of x (a view).
func head(x *tensor.Tensor, n int) *tensor.Tensor {
	per := x.Len() / x.Dim(0)
	return tensor.FromData(x.Data[:n*per], append([]int{n}, x.Shape[1:]...)...)
}
