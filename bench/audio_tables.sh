#!/bin/sh
# Regenerates the audio tables of docs/audio.md: trains the generation and
# denoising models (unless SKIP_TRAIN=1 and the runs exist), then measures
# the generation table (class accuracy and FD of guided samples against the
# real-vs-real floor and the class-mean-spectrogram baseline), the sampling
# cost of every sampler (NFE and real-time factor), and the denoising table
# (SI-SDR improvement, segmental SNR, LSD at 0/5/10 dB white and babble for
# the diffusion denoiser and every baseline), and draws the spectrogram PNGs.
#
#   bench/audio_tables.sh                      # the budget of docs/audio.md
#   MINUTES=120 STEPS=4000 PER_DIGIT=100 CASES=200 bench/audio_tables.sh
#
# Run from the repository root. The data set is made first if missing
# (audio/data/make-digits.sh; PER_CLIP=1 makes 5,000 clips instead of 20,000).
set -eu
DATA="${DATA:-out/digits1}"
PER_CLIP="${PER_CLIP:-1}"
RUNS="${RUNS:-out/runs}"
MINUTES="${MINUTES:-14}"       # wall-clock budget of each training run
STEPS="${STEPS:-2000}"         # steps of the generation run (cosine schedule spans them)
DEN_STEPS="${DEN_STEPS:-2000}" # steps of the denoising run
BATCH="${BATCH:-16}"
PER_DIGIT="${PER_DIGIT:-20}"   # guided samples per digit (the issue asks 100)
GUIDANCE="${GUIDANCE:-1,3}"
RTF_CLIPS="${RTF_CLIPS:-1}"
RTF_SAMPLERS="${RTF_SAMPLERS:-ddim,dpmpp2m,euler,heun,pf-ode,ddpm,vp-sde,vp-pc,ve-sde,ve-pc}"
CASES="${CASES:-100}"
DEN_SAMPLER="${DEN_SAMPLER:-dpmpp2m}"
DEN_SAMPLES="${DEN_SAMPLES:-1}"
DEN_SAMPLER_STEPS="${DEN_SAMPLER_STEPS:-10}"
OUT="${OUT:-out/audio-tables.md}"

if [ ! -f "$DATA/manifest.csv" ]; then
	go run ./audio/internal/mkdigits -out "$DATA" -seed 1 -per-digit "$PER_CLIP"
fi
go build -o bin/diffuse ./cmd/diffuse
if [ "${SKIP_TRAIN:-0}" != 1 ]; then
	bin/diffuse audio train --task generate --data "$DATA" --out "$RUNS/gen" --steps "$STEPS" \
		--minutes "$MINUTES" --batch "$BATCH" --log-every 50 --checkpoint-every 250 > "$RUNS/gen.log" 2>&1 &
	gen=$!
	bin/diffuse audio train --task denoise --data "$DATA" --out "$RUNS/den" --steps "$DEN_STEPS" \
		--minutes "$MINUTES" --batch "$BATCH" --log-every 50 --checkpoint-every 250 > "$RUNS/den.log" 2>&1 &
	den=$!
	wait "$gen" "$den"
fi
go run ./audio/internal/mkaudiotables -data "$DATA" -gen "$RUNS/gen" -den "$RUNS/den" \
	-per-digit "$PER_DIGIT" -guidance "$GUIDANCE" -rtf-clips "$RTF_CLIPS" -rtf-samplers "$RTF_SAMPLERS" \
	-cases "$CASES" -den-sampler "$DEN_SAMPLER" -den-steps "$DEN_SAMPLER_STEPS" -den-samples "$DEN_SAMPLES" -img docs/img | tee "$OUT"
