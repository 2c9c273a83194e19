#!/bin/sh
# Regenerates the speech-enhancement table of docs/audio.md (must-show 2):
# trains the spectrogram enhancer (unless SKIP_TRAIN=1 and the run exists),
# then scores it and every denoising baseline on the same held-out clips
# with white and babble noise at 0, 5 and 10 dB (SI-SDR improvement,
# segmental SNR, log-spectral distance, ± standard errors) and draws the
# spectrogram figure.
#
#   bench/audio_enhance_table.sh                  # the budget of docs/audio.md
#   MINUTES=30 STEPS=1500 CASES=60 bench/audio_enhance_table.sh
#
# Run from the repository root. The data set is made first if missing
# (audio/data/make-digits.sh: 20,000 clips).
set -eu
DATA="${DATA:-out/digits}"
RUN="${RUN:-out/runs/enh}"
MINUTES="${MINUTES:-76}"   # wall-clock budget of the training run (the docs run was stopped at 76 min, step 3,832)
STEPS="${STEPS:-4500}"     # optimiser steps (the cosine schedule spans them)
BATCH="${BATCH:-16}"
CASES="${CASES:-100}"      # test clips (enhance.DigitCases, seed 1)
SAMPLER="${SAMPLER:-ddim}"
SAMPLER_STEPS="${SAMPLER_STEPS:-4}"
SAMPLES="${SAMPLES:-1,4}"  # comma-separated: one row per number of averaged posterior samples
OUT="${OUT:-out/audio-enhance-table.md}"

if [ ! -f "$DATA/manifest.csv" ]; then
	go run ./audio/internal/mkdigits -out "$DATA" -seed 1
fi
go build -o bin/diffuse ./cmd/diffuse
if [ "${SKIP_TRAIN:-0}" != 1 ]; then
	mkdir -p "$(dirname "$RUN")"
	GOMAXPROCS="${GOMAXPROCS:-1}" bin/diffuse audio train --task enhance --data "$DATA" --out "$RUN" \
		--steps "$STEPS" --minutes "$MINUTES" --batch "$BATCH" --checkpoint-every 250 --keep 0 --log-every 25 --seed 1 \
		> "$RUN.log" 2>&1
fi
go run ./audio/internal/mkenhtable -data "$DATA" -ckpt "$RUN" -n "$CASES" -seed 1 \
	-sampler "$SAMPLER" -steps "$SAMPLER_STEPS" -samples "$SAMPLES" -png docs/img/audio-enhance.png | tee "$OUT"
