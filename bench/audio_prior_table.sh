#!/bin/sh
# Regenerates the prior-path denoising table of docs/audio.md: trains a
# small waveform generation model for a few minutes (unless SKIP_TRAIN=1
# and the run exists), then scores it as the unconditional prior
# (diffwave.PriorMethod) with the noise level estimated and given, beside
# the noisy input and the baselines, on held-out voices with white noise
# at 0, 5 and 10 dB.
#
#   bench/audio_prior_table.sh                       # the budget of docs/audio.md
#   MINUTES=30 STEPS=3000 CASES=60 bench/audio_prior_table.sh
#
# Run from the repository root. The data set is made first if missing.
set -eu
DATA="${DATA:-out/digits}"
RUN="${RUN:-out/runs/gen}"
MINUTES="${MINUTES:-9}"
STEPS="${STEPS:-1500}"
BATCH="${BATCH:-16}"
LIMIT="${LIMIT:-5000}"     # training clips loaded (0: all)
CASES="${CASES:-40}"
SAMPLER="${SAMPLER:-ddpm}"
SAMPLER_STEPS="${SAMPLER_STEPS:-30}"
SAMPLES="${SAMPLES:-4}"
OUT="${OUT:-out/audio-prior-table.md}"

if [ ! -f "$DATA/manifest.csv" ]; then
	go run ./audio/internal/mkdigits -out "$DATA" -seed 1
fi
go build -o bin/diffuse ./cmd/diffuse
if [ "${SKIP_TRAIN:-0}" != 1 ]; then
	mkdir -p "$(dirname "$RUN")"
	GOMAXPROCS="${GOMAXPROCS:-1}" bin/diffuse audio train --data "$DATA" --out "$RUN" --steps "$STEPS" \
		--minutes "$MINUTES" --batch "$BATCH" --limit "$LIMIT" --checkpoint-every 100 --keep 2 --log-every 25 --seed 1 \
		> "$RUN.log" 2>&1
fi
go run ./audio/internal/mkpriortable -data "$DATA" -ckpt "$RUN" -n "$CASES" -seed 1 \
	-sampler "$SAMPLER" -steps "$SAMPLER_STEPS" -samples "$SAMPLES" | tee "$OUT"
