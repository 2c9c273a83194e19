#!/usr/bin/env bash
# text_quality.sh: the numbers of docs/text.md. Trains diffusego's MDLM and
# the autoregressive baseline on Debian's fortunes for the same wall-clock
# budget, side by side (one core each, GOMAXPROCS=1, so neither slows the
# other), then evaluates both against the 5-gram Kneser-Ney baseline on the
# held-out test documents, measures sampling speed at 32, 64 and 256 steps
# and draws the samples, completions and infills the doc shows.
#
# Environment: MINUTES (training budget, default 45), PRESET (default tiny),
# CONTEXT (characters per sequence, default 128: half of fortunes' sayings
# are under 100 characters, so 256 would spend half of every step on
# padding), BATCH (default 64), LR (peak learning rate, default 3e-3),
# STEPS (planned optimiser steps, so that the cosine schedule ends near the
# budget at one core each; default 4000), SKIP_TRAIN=1 (evaluate the models
# already in OUT), OUT (default out/text-quality).
set -euo pipefail

MINUTES=${MINUTES:-45}
PRESET=${PRESET:-tiny}
CONTEXT=${CONTEXT:-128}
BATCH=${BATCH:-64}
LR=${LR:-3e-3}
STEPS=${STEPS:-4000}
OUT=${OUT:-out/text-quality}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mkdir -p "$OUT"
go build -o "$OUT/diffuse" ./cmd/diffuse
D="$OUT/diffuse"

common=(--data fortunes --preset "$PRESET" --context "$CONTEXT" --batch "$BATCH" --lr "$LR" --warmup 200
	--steps "$STEPS" --minutes "$MINUTES" --seed 1 --checkpoint-every 2000 --val-every 2000 --log-every 200)
if [ -z "${SKIP_TRAIN:-}" ]; then
	GOMAXPROCS=1 "$D" text train "${common[@]}" --objective mdlm --out "$OUT/mdlm" >"$OUT/mdlm.log" 2>&1 &
	mdlm=$!
	GOMAXPROCS=1 "$D" text train "${common[@]}" --objective ar --out "$OUT/ar" >"$OUT/ar.log" 2>&1 &
	ar=$!
	wait "$mdlm" "$ar"
	tail -n 3 "$OUT/mdlm.log" "$OUT/ar.log"
fi

# Held-out bits per character, infilling bits, sample statistics (100
# samples each at 128 steps), with both baselines.
"$D" text eval --model "$OUT/mdlm" --ar "$OUT/ar" --samples 100 --steps 128 --draws 4 \
	--out "$OUT/eval.json" | tee "$OUT/eval.txt"

# Sampling speed: 64 texts at 32, 64 and 256 steps (characters/s on stderr).
for s in 32 64 256; do
	"$D" text sample --model "$OUT/mdlm" --n 64 --batch 32 --steps "$s" --seed 2 --out "$OUT/speed-$s.txt" \
		2>&1 | tail -n 1 | tee "$OUT/speed-$s.log"
done

# What docs/text.md shows: 20 samples, 10 completions, 10 infills.
"$D" text sample --model "$OUT/mdlm" --n 20 --steps 256 --seed 3 --format jsonl --out "$OUT/samples.jsonl"
i=0
while IFS= read -r prompt; do
	"$D" text sample --model "$OUT/mdlm" --n 1 --steps 256 --seed $((10 + i)) --prompt "$prompt" --format jsonl
	i=$((i + 1))
done >"$OUT/completions.jsonl" <<'PROMPTS'
A fool and
The best way to
Love is
Never trust a
If you can't
It is a truth
Programmers
The future
Q: What do you call
Life is
PROMPTS
i=0
while IFS= read -r template; do
	"$D" text sample --model "$OUT/mdlm" --n 1 --steps 256 --seed $((20 + i)) --infill "$template" --gap ____ --gap-length 8 --format jsonl
	i=$((i + 1))
done >"$OUT/infills.jsonl" <<'TEMPLATES'
The ____ is mightier than the sword.
Never put off until ____ what you can do today.
He who ____ last laughs best.
A ____ in time saves nine.
All that glitters is not ____.
The early bird ____ the worm.
Do not count your ____ before they hatch.
There is no place like ____.
Beauty is in the eye of the ____.
When in Rome, do as the ____ do.
TEMPLATES
echo "text_quality: results in $OUT"
