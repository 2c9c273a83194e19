#!/usr/bin/env bash
# latent_tables.sh: regenerates the two tables of docs/latent.md (issue
# must-shows 1 and 2). Trains a prompt-conditioned U-Net on the emoji
# pictures in pixel space (diffuse train --text) and in the latent space
# of the autoencoder AE (diffuse train --latent), each for MINUTES of
# wall-clock training with the same batch, widths and seed, then runs
# textimage/internal/tables on both run folders: training images/s,
# sampling images/s at equal steps, Fréchet distance (emoji classifier
# features) against the real-vs-real floor, category/subcategory
# accuracy; and for TRAIN_CAPTIONS training captions and every held-out
# caption, accuracy at each GUIDANCE against a real same-category picture
# and an unconditional sample, with the held-out margin and its 95%
# interval.
#
# Budget (environment): MINUTES per model (the issue's run: 45, on a quiet
# machine), BATCH, CHANNELS, LIMIT (train on a seeded subset of that many
# training pictures; 0 = all 3,440), N_FD samples for the FD, SAMPLE_STEPS,
# SAMPLER, TRAIN_CAPTIONS, PER_CAPTION, GUIDANCE, FD_GUIDANCE. AE is the
# autoencoder folder (default: the shipped one,
# models/autoencoder/weights/emoji; trained here first with AE_STEPS steps
# if absent). PIXEL_STEPS and LATENT_STEPS set each run's planned steps,
# the length of its cosine learning-rate schedule (measure each model's
# rate first, so the schedule ends near the time budget; the budget stops
# a run that is slower). PARALLEL=1 trains the two models at the same time,
# each pinned to its own core (taskset, GOMAXPROCS=1), so both see the same
# machine; otherwise one after the other on every core. TRAINED=1 skips
# training and reads OUT/pixel and OUT/latent as they are. Needs the emoji
# set (make emoji). Writes OUT/tables.md and OUT/tables.json; the tiny
# defaults below only prove the path runs.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES="${MINUTES:-2}" BATCH="${BATCH:-32}" CHANNELS="${CHANNELS:-64}"
N_FD="${N_FD:-64}" SAMPLE_STEPS="${SAMPLE_STEPS:-20}" SAMPLER="${SAMPLER:-ddim}"
TRAIN_CAPTIONS="${TRAIN_CAPTIONS:-20}" PER_CAPTION="${PER_CAPTION:-1}"
GUIDANCE="${GUIDANCE:-1,2,4}" FD_GUIDANCE="${FD_GUIDANCE:-2}" SEED="${SEED:-1}" LIMIT="${LIMIT:-0}"
EMOJI="${EMOJI:-out/emoji}" OUT="${OUT:-out/latent-tables}"
AE="${AE:-models/autoencoder/weights/emoji}" AE_STEPS="${AE_STEPS:-1200}"
mkdir -p "$OUT"
go build -o "$OUT/diffuse" ./cmd/diffuse
go build -o "$OUT/tables" ./textimage/internal/tables
d="$OUT/diffuse"
[ -f "$AE/autoencoder.json" ] || AE="$OUT/ae"
if [ ! -f "$AE/autoencoder.json" ]; then
	"$d" autoencoder train --emoji "$EMOJI" --out "$AE" --steps "$AE_STEPS" --batch 16 --lr 2e-3 \
		--lr-schedule cosine --lr-min 1e-4 --warmup 50 --save-every 100 --log-every 50
fi
PIXEL_STEPS="${PIXEL_STEPS:-1000000}" LATENT_STEPS="${LATENT_STEPS:-1000000}"
common=(--emoji "$EMOJI" --minutes "$MINUTES" --batch "$BATCH" --channels "$CHANNELS" --seed "$SEED" --limit "$LIMIT")
pixel=(train --text --out "$OUT/pixel" --steps "$PIXEL_STEPS" "${common[@]}")
latent=(train --latent "$AE" --out "$OUT/latent" --steps "$LATENT_STEPS" "${common[@]}")
if [ "${TRAINED:-0}" = 1 ]; then
	echo "TRAINED=1: reading $OUT/pixel and $OUT/latent as they are"
elif [ "${PARALLEL:-0}" = 1 ]; then
	GOMAXPROCS=1 taskset -c 0 "$d" "${pixel[@]}" >"$OUT/pixel.log" 2>&1 &
	GOMAXPROCS=1 taskset -c 1 "$d" "${latent[@]}" >"$OUT/latent.log" 2>&1 &
	wait
	cat "$OUT/pixel.log" "$OUT/latent.log"
else
	"$d" "${pixel[@]}" | tee "$OUT/pixel.log"
	"$d" "${latent[@]}" | tee "$OUT/latent.log"
fi
"$OUT/tables" -emoji "$EMOJI" -pixel "$OUT/pixel" -latent "$OUT/latent" -n-fd "$N_FD" -steps "$SAMPLE_STEPS" \
	-sampler "$SAMPLER" -train-captions "$TRAIN_CAPTIONS" -per-caption "$PER_CAPTION" -guidance "$GUIDANCE" \
	-fd-guidance "$FD_GUIDANCE" -seed "$SEED" -out "$OUT/tables.md" -json "$OUT/tables.json"
echo "budget: $MINUTES min per model (PARALLEL=${PARALLEL:-0}), planned steps $PIXEL_STEPS pixel / $LATENT_STEPS latent, batch $BATCH, channels $CHANNELS, limit $LIMIT; $N_FD FD samples, $SAMPLE_STEPS $SAMPLER steps; $TRAIN_CAPTIONS training captions × $PER_CAPTION" | tee -a "$OUT/tables.md"
