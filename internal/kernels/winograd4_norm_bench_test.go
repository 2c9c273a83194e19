package kernels

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user + system time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWinograd4InputNormSiLU times the F(4×4) input transform of a
// normalised, activated input on one goroutine, at bench-unet's batch-16
// shapes: "twostep" writes the activation (NormAffine and SiLU over each
// plane) and then runs Winograd4Input, as a separate norm op and the
// convolution do; "fused" is Winograd4InputNormSiLU. cpu-ns/op is the process's CPU time per operation,
// which a loaded machine disturbs less than wall time.
func BenchmarkWinograd4InputNormSiLU(b *testing.B) {
	for _, s := range []struct{ n, c, hw int }{{16, 64, 28}, {16, 128, 14}, {16, 256, 7}} {
		r := rand.New(rand.NewPCG(1, 2))
		hw := s.hw * s.hw
		x := randSlice(r, s.n*s.c*hw)
		aff := randAffine(r, s.n*s.c)
		y := make([]float32, len(x))
		tiles := Winograd4Tiles(s.hw, s.hw)
		ld := s.n*tiles + WinogradPad
		v := make([]float32, 36*s.c*ld)
		for _, mode := range []string{"twostep", "fused"} {
			b.Run(fmt.Sprintf("%dx%dx%d/%s", s.n, s.c, s.hw, mode), func(b *testing.B) {
				t0 := cpuTime()
				for b.Loop() {
					if mode == "twostep" {
						for i := range s.n * s.c {
							m := aff[i]
							NormAffine(y[i*hw:(i+1)*hw], x[i*hw:(i+1)*hw], m.Mu, m.A, m.Sh)
							SiLU(y[i*hw:(i+1)*hw], y[i*hw:(i+1)*hw])
						}
						Winograd4Input(v, s.c*ld, ld, y, s.c*hw, s.n, s.c, s.hw, s.hw, false)
					} else {
						Winograd4InputNormSiLU(v, s.c*ld, ld, x, s.c*hw, s.n, s.c, s.hw, s.hw, aff, false)
					}
				}
				b.ReportMetric(float64(cpuTime()-t0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
