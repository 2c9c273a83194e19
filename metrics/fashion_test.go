package metrics_test

import (
	"os"
	"testing"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/metrics"
	"github.com/diffusego/diffusego/models/classifier"
	"github.com/diffusego/diffusego/tensor"
)

// fashionDir is Debian's dataset-fashion-mnist read through the module's
// testdata/fashion-mnist link, so that go test's cache notices when the data
// set is installed (testdata/README.md).
const fashionDir = "../testdata/fashion-mnist"

// TestFashionFDSeparatesRealFromDamaged measures, in the shipped
// classifier's features, the Fréchet distance between two disjoint
// 1,000-image halves of the Fashion-MNIST test set (the floor) and between
// real images and two kinds of damage: uniform noise and a 5×5 box blur of
// the other half. Both damaged sets must score far above the floor, and
// blur (a near miss) below noise. Time budget: about 1.5 s on 2 cores.
func TestFashionFDSeparatesRealFromDamaged(t *testing.T) {
	if _, err := os.Stat(fashionDir); err != nil {
		t.Skipf("Fashion-MNIST not installed at %s", fashionDir)
	}
	net, err := classifier.LoadFashionMNIST()
	if err != nil {
		t.Fatal(err)
	}
	x, _, err := data.LoadFashionMNIST(fashionDir, "test")
	if err != nil {
		t.Fatal(err)
	}
	const n = 1000
	perm := tensor.NewRNG(1).Perm(x.Dim(0))
	a := metrics.Rows(x, perm[:n])
	b := metrics.Rows(x, perm[n:2*n])
	noise := tensor.NewRNG(2).Rand(-1, 1, n, 1, 28, 28)

	fa := net.Embed(a)
	fd := func(name string, imgs *tensor.Tensor) float64 {
		v, err := metrics.FrechetDistance(fa, net.Embed(imgs))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("FD(real, %s) at n=%d: %.3f", name, n, v)
		return v
	}
	floor := fd("real", b)
	blurred := fd("blurred real", boxBlur(b, 2))
	noisy := fd("noise", noise)
	if !(blurred > 5*floor && noisy > blurred) {
		t.Errorf("FD floor %.3f, blurred %.3f, noise %.3f: want floor ≪ blurred < noise", floor, blurred, noisy)
	}
}

// boxBlur averages each pixel of x: (N, 1, H, W) over the (2r+1)² box
// around it, clipped at the borders.
func boxBlur(x *tensor.Tensor, r int) *tensor.Tensor {
	n, h, w := x.Dim(0), x.Dim(2), x.Dim(3)
	out := tensor.New(x.Shape...)
	for i := range n {
		img, dst := x.Data[i*h*w:(i+1)*h*w], out.Data[i*h*w:(i+1)*h*w]
		for y := range h {
			for xx := range w {
				var s float32
				var c int
				for dy := -r; dy <= r; dy++ {
					for dx := -r; dx <= r; dx++ {
						yy, xs := y+dy, xx+dx
						if yy >= 0 && yy < h && xs >= 0 && xs < w {
							s += img[yy*w+xs]
							c++
						}
					}
				}
				dst[y*w+xx] = s / float32(c)
			}
		}
	}
	return out
}
