#!/usr/bin/env bash
# molecule_table.sh: the molecule table of docs/graph.md. Trains DiGress
# (graph/digress through graph/molgen) on the NCI benchmark (RDKit's
# first_5K.smi from Debian's rdkit-data: the 1534 molecules of at most 12
# heavy atoms of C N O F S Cl, split 80/20 with seed 1), conditioned on the
# ring count, for a wall-clock budget; then evaluates samples against the
# test split beside the two frequency baselines and the training set,
# checks the ring conditioning, and draws 16 samples to
# docs/img/molecules.png.
#
# Environment: MINUTES (training budget, default 40), STEPS (planned
# optimiser steps for the cosine schedule, default 10000), SKIP_TRAIN=1
# (evaluate the run already in OUT), N (samples, default 256),
# SAMPLE_STEPS (reverse steps, default 100), PER_CLASS (samples per ring
# class, default 64), OUT (default out/mol).
set -euo pipefail

MINUTES=${MINUTES:-40}
STEPS=${STEPS:-10000}
N=${N:-256}
SAMPLE_STEPS=${SAMPLE_STEPS:-100}
PER_CLASS=${PER_CLASS:-64}
OUT=${OUT:-out/mol}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mkdir -p "$OUT"
go build -o "$OUT/diffuse" ./cmd/diffuse
D="$OUT/diffuse"

if [ -z "${SKIP_TRAIN:-}" ]; then
	"$D" graph train --data molecules --condition rings --out "$OUT" --steps "$STEPS" --minutes "$MINUTES" \
		--seed 1 --checkpoint-every 250 --keep 0 --log-every 50 | tee "$OUT/train.log"
fi

# Five jobs side by side: validity, uniqueness, novelty and histogram
# distances of N samples (ring classes drawn from the training frequencies,
# no guidance) at temperature 1 and at 0.5, with the baselines and the
# floor; PER_CLASS samples asked for each ring class; and the 16-molecule
# picture of the doc with its SMILES; and N/2 samples at 500 steps (the
# training T, DiGress's default).
"$D" graph eval --model "$OUT" --n "$N" --steps "$SAMPLE_STEPS" --seed 1 \
	--out "$OUT/eval.json" >"$OUT/eval.txt" 2>&1 &
a=$!
"$D" graph eval --model "$OUT" --n "$N" --steps "$SAMPLE_STEPS" --seed 1 --temperature 0.5 \
	--out "$OUT/eval-t05.json" >"$OUT/eval-t05.txt" 2>&1 &
b=$!
"$D" graph eval --model "$OUT" --n "$PER_CLASS" --steps "$SAMPLE_STEPS" --seed 2 --per-class "$PER_CLASS" \
	--out "$OUT/eval-class.json" >"$OUT/eval-class.txt" 2>&1 &
c=$!
"$D" graph sample --model "$OUT" --n 16 --steps "$SAMPLE_STEPS" --seed 1 \
	--out "$OUT/samples16.smi" --png docs/img/molecules.png >"$OUT/samples16.txt" 2>&1 &
d=$!
"$D" graph eval --model "$OUT" --n $((N / 2)) --steps 500 --seed 1 \
	--out "$OUT/eval-500.json" >"$OUT/eval-500.txt" 2>&1 &
e=$!
wait "$a" "$b" "$c" "$d" "$e"
cat "$OUT/eval.txt" "$OUT/eval-t05.txt" "$OUT/eval-class.txt" "$OUT/eval-500.txt" "$OUT/samples16.txt" "$OUT/samples16.smi"
