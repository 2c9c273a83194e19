package quality

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/audio/dsp"
)

// SegSNR clamps: each frame's SNR is limited to [SegSNRMin, SegSNRMax] dB.
const (
	SegSNRMin = -10
	SegSNRMax = 35
)

// LSDRangeDB is the dynamic range of LSD: both power spectra are floored
// at LSDRangeDB below the reference's loudest bin before the logarithm, as
// librosa's power_to_db does with top_db = 80. Without a floor, frames in
// which the reference is digitally silent (the zero padding of the spoken
// digits) would give distances of hundreds of dB.
const LSDRangeDB = 80

func check(name string, est, ref []float64) error {
	if len(est) != len(ref) || len(ref) == 0 {
		return fmt.Errorf("quality: %s: estimate has %d samples, reference %d: want equal, non-zero lengths", name, len(est), len(ref))
	}
	return nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func zeroMean(x []float64) []float64 {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = v - m
	}
	return y
}

// SISDR is the scale-invariant SDR of est against ref (Le Roux et al.
// 2019, eq. 4): with both made zero-mean, α = ⟨ŝ, s⟩/‖s‖², the target
// e_t = αs and the residual e_r = ŝ − αs,
//
//	SI-SDR = 10·log₁₀(‖e_t‖² / ‖e_r‖²).
//
// A positive multiple of ref gives +Inf; ref must not be constant.
func SISDR(est, ref []float64) (float64, error) {
	if err := check("si-sdr", est, ref); err != nil {
		return 0, err
	}
	s, e := zeroMean(ref), zeroMean(est)
	ss := dot(s, s)
	if ss == 0 {
		return 0, fmt.Errorf("quality: si-sdr: the reference is silent (constant)")
	}
	alpha := dot(e, s) / ss
	target, resid := 0.0, 0.0
	for i := range s {
		t := alpha * s[i]
		target += t * t
		resid += (e[i] - t) * (e[i] - t)
	}
	return 10 * math.Log10(target/resid), nil
}

// SISDRi is the SI-SDR improvement: SISDR(est, ref) − SISDR(noisy, ref).
func SISDRi(est, noisy, ref []float64) (float64, error) {
	a, err := SISDR(est, ref)
	if err != nil {
		return 0, err
	}
	b, err := SISDR(noisy, ref)
	if err != nil {
		return 0, err
	}
	return a - b, nil
}

// SegSNR is the mean over frames of 10·log₁₀(Σ s² / Σ (s − ŝ)²), each frame
// clamped to [SegSNRMin, SegSNRMax] dB. Frames are frame samples long every
// hop samples (a last partial frame is dropped; a signal shorter than one
// frame is one frame). A frame with no error counts as SegSNRMax.
func SegSNR(est, ref []float64, frame, hop int) (float64, error) {
	if err := check("segmental snr", est, ref); err != nil {
		return 0, err
	}
	if frame < 1 || hop < 1 {
		return 0, fmt.Errorf("quality: segmental snr: frame %d, hop %d: want ≥ 1", frame, hop)
	}
	frame = min(frame, len(ref))
	sum, n := 0.0, 0
	for start := 0; start+frame <= len(ref); start += hop {
		sig, noise := 0.0, 0.0
		for i := start; i < start+frame; i++ {
			d := ref[i] - est[i]
			sig += ref[i] * ref[i]
			noise += d * d
		}
		snr := float64(SegSNRMax)
		if noise > 0 {
			snr = max(SegSNRMin, min(SegSNRMax, 10*math.Log10(sig/noise))) // sig = 0 gives −Inf, clamped
		}
		sum += snr
		n++
	}
	return sum / float64(n), nil
}

// LSD is the log-spectral distance between est and ref over the frames of
// s: the mean over frames t of
//
//	√( mean_k (10·log₁₀ max(P_ref[t][k], ε) − 10·log₁₀ max(P_est[t][k], ε))² ),
//
// with P the power spectrogram and ε = max P_ref · 10^(−LSDRangeDB/10). A
// silent reference is refused.
func LSD(est, ref []float64, s *dsp.STFT) (float64, error) {
	if err := check("log-spectral distance", est, ref); err != nil {
		return 0, err
	}
	pe, pr := dsp.Power(s.Forward(est)), dsp.Power(s.Forward(ref))
	top := 0.0
	for _, row := range pr {
		for _, v := range row {
			top = max(top, v)
		}
	}
	if top == 0 {
		return 0, fmt.Errorf("quality: log-spectral distance: the reference is silent")
	}
	eps := top * math.Pow(10, -LSDRangeDB/10.0)
	total := 0.0
	for t := range pr {
		sq := 0.0
		for k := range pr[t] {
			d := 10*math.Log10(max(pr[t][k], eps)) - 10*math.Log10(max(pe[t][k], eps))
			sq += d * d
		}
		total += math.Sqrt(sq / float64(len(pr[t])))
	}
	return total / float64(len(pr)), nil
}
