package baseline

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// NLMeans is non-local means denoising (Buades, Coll and Morel 2005): each
// pixel becomes the weighted mean of the pixels in a Search×Search window
// around it, weighted by how alike their Patch×Patch neighbourhoods are,
//
//	w(p, q) = exp(−max(d²(p, q) − 2σ², 0) / H²),
//
// where d² is the mean squared difference between the patches at p and q
// and σ the noise level (the σ-subtraction of Buades et al. 2011, IPOL §2).
// Patch distances use a uniform window and are computed for each offset
// with an integral image, so the cost is O(H·W·Search²) per plane,
// independent of Patch (the "fast" variant of Darbon et al. 2008).
type NLMeans struct {
	Patch  int     // patch side, odd: 5 or 7
	Search int     // search window side, odd: 11 to 21
	H      float64 // filtering parameter, in the units of the image (about 0.4–1 σ)
	Sigma  float64 // noise standard deviation; 0 turns the subtraction off
}

// Apply denoises every plane of x: (N, C, H, W), with reflect padding.
func (m NLMeans) Apply(x *tensor.Tensor) (*tensor.Tensor, error) {
	n, c, h, w, err := dims("NLMeans", x)
	if err != nil {
		return nil, err
	}
	if m.Patch < 1 || m.Patch%2 == 0 || m.Search < 1 || m.Search%2 == 0 {
		return nil, fmt.Errorf("baseline: NLMeans: patch %d, search %d: want odd sizes ≥ 1", m.Patch, m.Search)
	}
	if !(m.H > 0) || m.Sigma < 0 {
		return nil, fmt.Errorf("baseline: NLMeans: h %g, sigma %g: want h > 0 and sigma ≥ 0", m.H, m.Sigma)
	}
	out := tensor.New(x.Shape...)
	parallel.For(n*c, 1, func(lo, hi int) {
		s := newNLMScratch(h, w, m.Patch/2, m.Search/2)
		for p := lo; p < hi; p++ {
			m.plane(x.Data[p*h*w:(p+1)*h*w], out.Data[p*h*w:(p+1)*h*w], h, w, s)
		}
	})
	return out, nil
}

// nlmScratch holds one worker's buffers for planes of one size.
type nlmScratch struct {
	pr, sr    int       // patch and search radius
	ph, pw    int       // plane size padded by pr on every side
	big       []float64 // the plane padded by pr+sr on every side, (h+2(pr+sr))×(w+2(pr+sr))
	bw        int       // row length of big
	diff      []float64 // integral image of squared differences, (ph+1)×(pw+1)
	acc, wsum []float64 // Σ w·x(q) and Σ w per pixel
}

func newNLMScratch(h, w, pr, sr int) *nlmScratch {
	ph, pw := h+2*pr, w+2*pr
	r := pr + sr
	return &nlmScratch{pr: pr, sr: sr, ph: ph, pw: pw, big: make([]float64, (h+2*r)*(w+2*r)), bw: w + 2*r,
		diff: make([]float64, (ph+1)*(pw+1)), acc: make([]float64, h*w), wsum: make([]float64, h*w)}
}

// plane filters one h×w plane src into dst.
func (m NLMeans) plane(src, dst []float32, h, w int, s *nlmScratch) {
	pr, sr, bw := s.pr, s.sr, s.bw
	r := pr + sr
	for i := -r; i < h+r; i++ {
		for j := -r; j < w+r; j++ {
			s.big[(i+r)*bw+j+r] = float64(src[reflect(i, h)*w+reflect(j, w)])
		}
	}
	area := float64((2*pr + 1) * (2*pr + 1))
	inv := 1 / (m.H * m.H)
	bias := 2 * m.Sigma * m.Sigma
	clear(s.acc)
	clear(s.wsum)
	stride := s.pw + 1
	for dy := -sr; dy <= sr; dy++ {
		for dx := -sr; dx <= sr; dx++ {
			// integral image of (x(p) − x(p+off))² over the plane padded by pr;
			// padded (i, j) is big's (i+sr, j+sr)
			for i := range s.ph {
				row := 0.0
				a := s.big[(i+sr)*bw+sr : (i+sr)*bw+sr+s.pw]
				b := s.big[(i+sr+dy)*bw+sr+dx : (i+sr+dy)*bw+sr+dx+s.pw]
				up, cur := s.diff[i*stride+1:(i+1)*stride], s.diff[(i+1)*stride+1:(i+2)*stride]
				for j := range a {
					d := a[j] - b[j]
					row += d * d
					cur[j] = up[j] + row
				}
			}
			for i := range h {
				top, bot := s.diff[i*stride:], s.diff[(i+2*pr+1)*stride:]
				q := s.big[(i+r+dy)*bw+r+dx:]
				for j := range w {
					// patch centred at (i, j) covers padded rows i … i+2pr
					ssd := bot[j+2*pr+1] - top[j+2*pr+1] - bot[j] + top[j]
					wt := math.Exp(-max(ssd/area-bias, 0) * inv)
					s.acc[i*w+j] += wt * q[j]
					s.wsum[i*w+j] += wt
				}
			}
		}
	}
	for k := range dst {
		dst[k] = float32(s.acc[k] / s.wsum[k])
	}
}
