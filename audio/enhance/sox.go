package enhance

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/diffusego/diffusego/audio"
)

// SoxNoiseRed runs sox's noisered effect: `sox noise.wav -n noiseprof
// PROFILE`, then `sox noisy.wav out.wav noisered PROFILE AMOUNT`. It needs
// the noise (sox builds its profile from a noise-only recording) and the
// sox program (the Debian package sox). Audio goes through 32-bit float
// WAV files in a temporary directory.
type SoxNoiseRed struct {
	// Amount is how much to reduce, 0–1; 0 means 0.2. sox's own default,
	// 0.5, distorts speech more than it removes noise: on the package's
	// test vowel with white noise at 0 dB it gains 2.7 dB SI-SDR against
	// 6.8 dB at 0.2, and at 5 dB it loses 0.8 dB.
	Amount float64
	Sox    string // the sox program; "" means "sox" on PATH
}

// Name implements Method.
func (m SoxNoiseRed) Name() string {
	return fmt.Sprintf("sox noisered (amount %g, true noise profile)", m.amount())
}

func (m SoxNoiseRed) amount() float64 {
	if m.Amount == 0 {
		return 0.2
	}
	return m.Amount
}

// soxTail is the silence appended before noisered (see Denoise).
const soxTail = 4096

// Denoise implements Method; noise must not be nil.
func (m SoxNoiseRed) Denoise(noisy []float64, rate int, noise []float64) ([]float64, error) {
	if err := checkInput(noisy, rate, noise); err != nil {
		return nil, err
	}
	if noise == nil {
		return nil, fmt.Errorf("enhance: sox noisered: needs the noise for its profile")
	}
	prog := m.Sox
	if prog == "" {
		prog = "sox"
	}
	prog, err := exec.LookPath(prog)
	if err != nil {
		return nil, fmt.Errorf("enhance: sox not found (install the Debian package sox): %w", err)
	}
	dir, err := os.MkdirTemp("", "noisered")
	if err != nil {
		return nil, fmt.Errorf("enhance: %w", err)
	}
	defer os.RemoveAll(dir)
	in, nz, prof, out := filepath.Join(dir, "noisy.wav"), filepath.Join(dir, "noise.wav"), filepath.Join(dir, "noise.prof"), filepath.Join(dir, "out.wav")
	// noisered drops the last part of a window (about 1024 samples), so the
	// input gets soxTail zeros that are cut off again afterwards.
	padded := append(append(make([]float64, 0, len(noisy)+soxTail), noisy...), make([]float64, soxTail)...)
	if err := audio.WriteFile(in, audio.Mono(rate, padded), audio.Float32, nil); err != nil {
		return nil, err
	}
	if err := audio.WriteFile(nz, audio.Mono(rate, noise), audio.Float32, nil); err != nil {
		return nil, err
	}
	for _, args := range [][]string{
		{"-q", nz, "-n", "noiseprof", prof},
		{"-q", in, out, "noisered", prof, fmt.Sprint(m.amount())},
	} {
		if msg, err := exec.Command(prog, args...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("enhance: sox %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(msg)))
		}
	}
	a, err := audio.ReadFile(out)
	if err != nil {
		return nil, err
	}
	if a.Channels() != 1 || a.Len() < len(noisy) {
		return nil, fmt.Errorf("enhance: sox noisered returned %d channels of %d samples, want 1 of %d", a.Channels(), a.Len(), len(noisy))
	}
	return a.Data[0][:len(noisy)], nil
}
