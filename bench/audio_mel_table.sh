#!/bin/sh
# Regenerates the mel-route table of docs/audio.md: trains the mel model
# (diffuse audio train --task mel; unless SKIP_TRAIN=1 and the run exists),
# then measures class accuracy and FD of guided samples against the
# real-vs-real floor, the vocoder's ceiling (real clips through mel →
# Griffin–Lim) and the class-mean baseline, and the sampling cost of each
# sampler (go run ./audio/internal/mkmeltable), and draws
# docs/img/audio-mel-samples.png.
#
#   bench/audio_mel_table.sh                          # the budget of docs/audio.md
#   MINUTES=120 STEPS=4000 PER_DIGIT=100 bench/audio_mel_table.sh
#
# Run from the repository root. The data set is made first if missing
# (PER_CLIP=1 makes 5,000 clips instead of 20,000).
set -eu
DATA="${DATA:-out/digits1}"
PER_CLIP="${PER_CLIP:-1}"
RUN="${RUN:-out/runs/mel}"
MINUTES="${MINUTES:-40}"     # wall-clock budget of the training run
STEPS="${STEPS:-1400}"       # steps (the cosine schedule spans them)
BATCH="${BATCH:-16}"
PER_DIGIT="${PER_DIGIT:-20}" # guided samples per digit (the issue asks 100)
GUIDANCE="${GUIDANCE:-1,3,5,8}"
RTF_SAMPLERS="${RTF_SAMPLERS:-ddim,dpmpp2m,euler,heun,ddpm,vp-pc}"
OUT="${OUT:-out/audio-mel-table.md}"

if [ ! -f "$DATA/manifest.csv" ]; then
	go run ./audio/internal/mkdigits -out "$DATA" -seed 1 -per-digit "$PER_CLIP"
fi
go build -o bin/diffuse ./cmd/diffuse
if [ "${SKIP_TRAIN:-0}" != 1 ]; then
	mkdir -p "$(dirname "$RUN")"
	bin/diffuse audio train --task mel --data "$DATA" --out "$RUN" --steps "$STEPS" --minutes "$MINUTES" \
		--batch "$BATCH" --lr 7e-4 --warmup 100 --weight-decay 0.01 --ema 0.995 --log-every 20 \
		--checkpoint-every 100 --keep 3 > "$RUN.log" 2>&1
fi
go run ./audio/internal/mkmeltable -data "$DATA" -mel "$RUN" -per-digit "$PER_DIGIT" -guidance "$GUIDANCE" \
	-rtf-samplers "$RTF_SAMPLERS" -img docs/img/audio-mel-samples.png -wavs docs/audio-mel-samples | tee "$OUT"
