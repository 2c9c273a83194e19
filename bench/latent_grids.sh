#!/usr/bin/env bash
# latent_grids.sh: regenerates the figures and numbers of docs/latent.md.
# Trains the autoencoder (AE_STEPS × AE_BATCH pictures), reports its
# held-out PSNR/SSIM and reconstruction grid, trains the latent
# text-to-image model (T2I_N pictures, T2I_STEPS × T2I_BATCH), and samples
# 8 training prompts and 8 held-out prompts, 4 images each, at guidance 4.
# Needs the emoji set (make emoji). Budgets are environment variables so a
# faster machine can run the full budget; the defaults are the run in the
# docs.
set -euo pipefail
cd "$(dirname "$0")/.."
AE_STEPS="${AE_STEPS:-70}" AE_BATCH="${AE_BATCH:-8}"
T2I_N="${T2I_N:-256}" T2I_STEPS="${T2I_STEPS:-150}" T2I_BATCH="${T2I_BATCH:-8}"
OUT="${OUT:-out/latent}"
mkdir -p "$OUT" docs/latent
go build -o "$OUT/diffuse" ./cmd/diffuse
d="$OUT/diffuse"
"$d" autoencoder train --out "$OUT/ae" --steps "$AE_STEPS" --batch "$AE_BATCH" --lr 2e-3 --log-every 10
"$d" autoencoder eval --model "$OUT/ae" --n 64 --grid docs/latent/recon.png | tee "$OUT/ae-eval.txt"
"$d" textimage train --autoencoder "$OUT/ae" --out "$OUT/t2i" --n "$T2I_N" --steps "$T2I_STEPS" --batch "$T2I_BATCH" --lr 1e-3 --log-every 50
train_prompts=("red apple" "grinning face" "dog face" "heavy black heart" "sun with face" "pile of poo" "rocket" "snowman")
held_prompts=("cactus" "gorilla" "hedgehog" "moose" "parrot" "tongue" "sports medal" "radioactive")
args=()
for p in "${train_prompts[@]}"; do args+=(--prompt "$p"); done
"$d" textimage sample --model "$OUT/t2i" --autoencoder "$OUT/ae" "${args[@]}" --n 4 --guidance 4 --steps 50 --out "$OUT/train-prompts"
args=()
for p in "${held_prompts[@]}"; do args+=(--prompt "$p"); done
"$d" textimage sample --model "$OUT/t2i" --autoencoder "$OUT/ae" "${args[@]}" --n 4 --guidance 4 --steps 50 --out "$OUT/held-out-prompts"
cp "$OUT/train-prompts/grid.png" docs/latent/train-prompts.png
cp "$OUT/held-out-prompts/grid.png" docs/latent/held-out-prompts.png
