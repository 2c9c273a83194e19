#!/usr/bin/env bash
# samplers.sh [CHECKPOINT]: images/s of every sampler at its usual step count,
# batch 64, unguided, with diffuse sample (default: the shipped model).
# Samplers of 1000 steps (ddpm, vp-sde, ve-sde) run 100 steps and the
# predictor-corrector samplers 50 of their 200, and their time is scaled to
# the full count: every step of these samplers costs the same.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/bin/diffuse}
CKPT=${1:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
args=()
[ -n "$CKPT" ] && args=(--checkpoint "$CKPT")
printf '| sampler | steps | network calls per image | seconds for 64 images | images/s |\n|---|---:|---:|---:|---:|\n'
while read -r name usual run calls; do
	start=$(date +%s.%N)
	"$BIN" sample "${args[@]}" --sampler "$name" --steps "$run" --n 64 --batch 64 --guidance 1 --seed 1 --out "$TMP/$name" >/dev/null
	end=$(date +%s.%N)
	awk -v n="$name" -v u="$usual" -v r="$run" -v c="$calls" -v s="$start" -v e="$end" \
		'BEGIN { t = (e - s) * u / r; printf "| %s | %d | %s | %.1f | %.2f |\n", n, u, c, t, 64 / t }'
done <<'LIST'
ddpm 1000 100 1000
ddim 50 50 50
euler 50 50 50
heun 18 18 35
dpmpp2m 20 20 20
vp-sde 1000 100 1000
ve-sde 1000 100 1000
vp-pc 200 50 399
ve-pc 200 50 399
pf-ode 1 1 adaptive
LIST
