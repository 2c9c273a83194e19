package digits

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/tensor"
)

// Ranges of the per-clip draws (uniform integers, inclusive). espeak-ng's
// defaults are pitch 50, speed 175 and amplitude 100; amplitudes up to 120
// keep every default voice below full scale.
var (
	PitchRange     = [2]int{15, 85}
	SpeedRange     = [2]int{130, 250}
	AmplitudeRange = [2]int{30, 120}
)

// TrimDB is the silence threshold of Trim used for the data set: frames
// more than 40 dB below the loudest frame are silence.
const TrimDB = 40

// Options configures Generate. The zero value (with Dir set) makes the
// full data set: 500 voices × 10 digits × 4 clips = 20,000 clips.
type Options struct {
	Dir      string   // output directory, created if missing
	Voices   []string // espeak-ng voices; nil means Voices(Languages, Variants)
	PerDigit int      // clips per voice and digit; 0 means 4
	Seed     uint64   // seeds the voice split and every draw
	// ValFraction and TestFraction are the fractions of voices held out;
	// 0 means 0.1 each.
	ValFraction, TestFraction float64
	Workers                   int    // espeak-ng processes at once: 1 or 2; 0 means 2
	Espeak                    string // the espeak-ng program; "" means "espeak-ng" on PATH
	// Progress, when set, is called after each clip with the number done
	// and the total (from the worker goroutines, one call at a time).
	Progress func(done, total int)
}

// Generate speaks every digit with every voice PerDigit times, each with
// its own pitch, speed and amplitude, converts the result to 8 kHz mono,
// trims silence (Trim at TrimDB), centres it in 1 s (Fit), writes it as
// 16-bit PCM WAV with its settings in the LIST/INFO chunk, and writes the
// manifest. The same options give the same clips (espeak-ng is
// deterministic). It stops at the first error or when ctx is done.
func Generate(ctx context.Context, opt Options) ([]Clip, error) {
	if opt.Dir == "" {
		return nil, fmt.Errorf("digits: generate: no output directory")
	}
	if opt.Voices == nil {
		opt.Voices = Voices(Languages, Variants)
	}
	if opt.PerDigit == 0 {
		opt.PerDigit = 4
	}
	if opt.ValFraction == 0 {
		opt.ValFraction = 0.1
	}
	if opt.TestFraction == 0 {
		opt.TestFraction = 0.1
	}
	if opt.Workers == 0 {
		opt.Workers = 2
	}
	if opt.Workers < 1 || opt.Workers > 2 || opt.PerDigit < 1 {
		return nil, fmt.Errorf("digits: generate: workers %d, per digit %d: want 1 or 2 workers and at least 1 clip", opt.Workers, opt.PerDigit)
	}
	if opt.Espeak == "" {
		opt.Espeak = "espeak-ng"
	}
	prog, err := exec.LookPath(opt.Espeak)
	if err != nil {
		return nil, fmt.Errorf("digits: %s not found (install the Debian package espeak-ng): %w", opt.Espeak, err)
	}
	split, err := SplitVoices(opt.Voices, opt.ValFraction, opt.TestFraction, opt.Seed)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(opt.Dir, "clips"), 0o755); err != nil {
		return nil, fmt.Errorf("digits: %w", err)
	}
	tmp, err := os.MkdirTemp(opt.Dir, ".espeak")
	if err != nil {
		return nil, fmt.Errorf("digits: %w", err)
	}
	defer os.RemoveAll(tmp)

	rng := tensor.NewRNG(opt.Seed)
	draw := func(r [2]int) int { return r[0] + rng.Intn(r[1]-r[0]+1) }
	var clips []Clip
	for _, v := range opt.Voices {
		for d := range Words {
			for k := range opt.PerDigit {
				clips = append(clips, Clip{
					File:  filepath.ToSlash(filepath.Join("clips", fmt.Sprintf("%d_%s_%d.wav", d, v, k))),
					Digit: d, Voice: v, Pitch: draw(PitchRange), Speed: draw(SpeedRange),
					Amplitude: draw(AmplitudeRange), Split: split[v],
				})
			}
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		done     int
	)
	for w := range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scratch := filepath.Join(tmp, fmt.Sprintf("w%d.wav", w))
			for i := range jobs {
				cut, err := speak(ctx, prog, scratch, filepath.Join(opt.Dir, clips[i].File), clips[i])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				clips[i].Cut = cut
				done++
				if opt.Progress != nil && err == nil {
					opt.Progress(done, len(clips))
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range clips {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("digits: generate: %w", err)
	}
	if err := WriteManifest(filepath.Join(opt.Dir, ManifestName), clips); err != nil {
		return nil, err
	}
	return clips, nil
}

// speak makes one clip: espeak-ng into scratch, then convert, trim, fit
// and write it to out.
func speak(ctx context.Context, prog, scratch, out string, c Clip) (cut bool, err error) {
	args := []string{"-v", c.Voice, "-p", strconv.Itoa(c.Pitch), "-s", strconv.Itoa(c.Speed),
		"-a", strconv.Itoa(c.Amplitude), "-w", scratch, Words[c.Digit]}
	msg, err := exec.CommandContext(ctx, prog, args...).CombinedOutput()
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, fmt.Errorf("digits: espeak-ng %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(msg)))
	}
	a, err := audio.ReadFile(scratch)
	if err != nil {
		return false, fmt.Errorf("digits: voice %s, %q: %w", c.Voice, Words[c.Digit], err)
	}
	a, _, err = audio.Conform(a, Rate, 1)
	if err != nil {
		return false, fmt.Errorf("digits: voice %s, %q: %w", c.Voice, Words[c.Digit], err)
	}
	x := Trim(a.Data[0], Rate, TrimDB)
	if len(x) == 0 {
		return false, fmt.Errorf("digits: voice %s, %q: espeak-ng produced silence", c.Voice, Words[c.Digit])
	}
	y, cut := Fit(x, Samples, Rate)
	settings := map[string]string{"digit": strconv.Itoa(c.Digit), "word": Words[c.Digit], "voice": c.Voice,
		"pitch": strconv.Itoa(c.Pitch), "speed": strconv.Itoa(c.Speed), "amplitude": strconv.Itoa(c.Amplitude), "split": c.Split}
	if err := audio.WriteFile(out, audio.Mono(Rate, y), audio.PCM16, audio.SettingsInfo(settings)); err != nil {
		return false, err
	}
	return cut, nil
}
