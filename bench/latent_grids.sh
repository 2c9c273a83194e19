#!/usr/bin/env bash
# latent_grids.sh: regenerates the figures and numbers of docs/latent.md.
# Trains the autoencoder (AE_STEPS × 16 pictures, cosine learning rate)
# unless AE names a trained one (default: the shipped one,
# models/autoencoder/weights/emoji), reports its held-out PSNR/SSIM and
# reconstruction grid, trains the latent text-to-image model (T2I_STEPS ×
# T2I_BATCH, or T2I_MINUTES; T2I names a trained run folder to use
# instead), and samples 8 training prompts and 8
# held-out prompts, 4 images each, at guidance 4. Needs the emoji set
# (make emoji). Budgets are environment variables so a faster machine can
# run the full budget.
set -euo pipefail
cd "$(dirname "$0")/.."
AE_STEPS="${AE_STEPS:-1200}"
T2I_STEPS="${T2I_STEPS:-150}" T2I_BATCH="${T2I_BATCH:-32}" T2I_MINUTES="${T2I_MINUTES:-0}"
OUT="${OUT:-out/latent}" AE="${AE:-models/autoencoder/weights/emoji}"
mkdir -p "$OUT" docs/latent
go build -o "$OUT/diffuse" ./cmd/diffuse
d="$OUT/diffuse"
[ -f "$AE/autoencoder.json" ] || AE="$OUT/ae"
if [ ! -f "$AE/autoencoder.json" ]; then
	"$d" autoencoder train --out "$AE" --steps "$AE_STEPS" --batch 16 --lr 2e-3 --lr-schedule cosine \
		--lr-min 1e-4 --warmup 50 --save-every 100 --log-every 50
fi
"$d" autoencoder eval --model "$AE" --grid docs/latent/recon.png | tee "$OUT/ae-eval.txt"
T2I="${T2I:-$OUT/t2i}"
if [ ! -f "$T2I/textimage.json" ]; then
	"$d" train --latent "$AE" --out "$T2I" --steps "$T2I_STEPS" --batch "$T2I_BATCH" --minutes "$T2I_MINUTES"
fi
train_prompts=("red apple" "grinning face" "dog face" "heavy black heart" "sun with face" "pile of poo" "rocket" "snowman")
held_prompts=("cactus" "gorilla" "hedgehog" "moose" "parrot" "tongue" "sports medal" "radioactive")
args=()
for p in "${train_prompts[@]}"; do args+=(--prompt "$p"); done
"$d" sample --checkpoint "$T2I" "${args[@]}" --n 4 --guidance 4 --sampler ddim --steps 50 --out "$OUT/train-prompts"
args=()
for p in "${held_prompts[@]}"; do args+=(--prompt "$p"); done
"$d" sample --checkpoint "$T2I" "${args[@]}" --n 4 --guidance 4 --sampler ddim --steps 50 --out "$OUT/held-out-prompts"
cp "$OUT/train-prompts/grid.png" docs/latent/train-prompts.png
cp "$OUT/held-out-prompts/grid.png" docs/latent/held-out-prompts.png
