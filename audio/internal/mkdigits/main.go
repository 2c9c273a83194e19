// Command mkdigits makes the spoken-digit data set with espeak-ng (see
// package digits): by default 500 voices × 10 digits × 4 clips = 20,000
// one-second 8 kHz clips and manifest.csv in out/digits, with at most two
// espeak-ng processes at a time. It prints progress, then the time taken,
// the clip count per split and the size on disk.
//
//	go run ./audio/internal/mkdigits -out out/digits -seed 1
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/diffusego/diffusego/audio/digits"
)

func main() {
	out := flag.String("out", "out/digits", "output directory")
	seed := flag.Uint64("seed", 1, "seed of the voice split and the pitch, speed and amplitude draws")
	per := flag.Int("per-digit", 4, "clips per voice and digit")
	workers := flag.Int("workers", 2, "espeak-ng processes at once (1 or 2)")
	flag.Parse()
	if err := run(*out, *seed, *per, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "mkdigits:", err)
		os.Exit(1)
	}
}

func run(out string, seed uint64, per, workers int) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	clips, err := digits.Generate(ctx, digits.Options{
		Dir: out, Seed: seed, PerDigit: per, Workers: workers,
		Progress: func(done, total int) {
			if done%1000 == 0 || done == total {
				el := time.Since(start)
				fmt.Printf("%d/%d clips %s elapsed, ETA %s\n", done, total, el.Round(time.Second),
					(el * time.Duration(total-done) / time.Duration(done)).Round(time.Second))
			}
		},
	})
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	count := map[string]int{}
	voices := map[string]map[string]bool{}
	cut := 0
	for _, c := range clips {
		count[c.Split]++
		if voices[c.Split] == nil {
			voices[c.Split] = map[string]bool{}
		}
		voices[c.Split][c.Voice] = true
		if c.Cut {
			cut++
		}
	}
	var size int64
	filepath.WalkDir(out, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				size += fi.Size()
			}
		}
		return nil
	})
	fmt.Printf("%d clips in %s with %d espeak-ng workers: train %d (%d voices), validation %d (%d voices), test %d (%d voices); %d cut to 1 s; %.1f MB in %s\n",
		len(clips), elapsed.Round(time.Second), workers, count[digits.Train], len(voices[digits.Train]),
		count[digits.Validation], len(voices[digits.Validation]), count[digits.Test], len(voices[digits.Test]),
		cut, float64(size)/1e6, out)
	return nil
}
