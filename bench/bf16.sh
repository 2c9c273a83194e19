#!/usr/bin/env bash
# bf16.sh OUT: the bf16 section of docs/profile.md: --precision bf16 against
# fp32 (the default and the reference), in speed and in quality.
#
# Stages (STAGES, default "quality gemm unet"), each skipped when its output
# is already in OUT, so the script can be stopped and run again:
#   quality  N samples (default 1000, 100 per class) of the shipped
#            Fashion-MNIST model (or of CHECKPOINT) with the same seed at fp32 and at bf16
#            (DPM-Solver++(2M), 20 steps, guidance 3: 40 network calls per
#            image), each scored by diffuse eval (FD, precision, recall,
#            class accuracy; the eval itself always runs at fp32), the bf16
#            folder also against the fp32 one image by image (diffuse eval
#            --reference: PSNR, SSIM; bench/pixdiff: mean absolute pixel
#            difference in grey levels).
#   seed     (not in the default STAGES) the fp32 samples again with seed 2,
#            scored the same way: how far the scores move with the seed
#            alone at this N, to read the fp32-bf16 differences against.
#   gemm     BenchmarkGemmBF16 of internal/kernels: square products n = 256,
#            512, 1024, 2048 through GemmForward at fp32 and bf16, one core
#            (GOMAXPROCS=1), GFLOP per CPU-second, ROUNDS rounds (default 3).
#   unet     BenchmarkSamplePrecision of models/benchunet: a no-grad forward
#            pass of bench-unet at batch 64 and 16, fp32 and bf16, images per
#            CPU-second of the process (both cores), ROUNDS rounds.
# Per-CPU-second rates because the machine is shared: the wall clock moves by
# 2x between identical runs under load (docs/profile.md, Round 2). The
# script prints the load average before each stage.
#
# PRECISIONS (default "fp32 bf16") limits the quality stage to one of them,
# so that two copies of the script can sample both at once; the comparison
# runs when both folders are there.
#
# CHECKPOINT (a checkpoint file or run folder; default: the model shipped in
# BIN) is the model the quality and seed stages sample, e.g.
#   CHECKPOINT=models/shipped/fashion-mnist-2026-11-24.safetensors N=500 bench/bf16.sh OUT
# for the model the quality rows of docs/profile.md were measured with. It
# is recorded in OUT/checkpoint.model, and those stages refuse an OUT whose
# samples came from another model.
#
# Settings (environment): CHECKPOINT, N (1000), BATCH_SAMPLE (250), ROUNDS (3),
# GEMM_TIME (benchtime, default 1s), UNET_TIME (default 5x), BIN
# (bin/diffuse, built if missing), DATA (/usr/share/datasets/fashion-mnist).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: bf16.sh OUT}
N=${N:-1000}
BATCH_SAMPLE=${BATCH_SAMPLE:-250}
ROUNDS=${ROUNDS:-3}
GEMM_TIME=${GEMM_TIME:-1s}
UNET_TIME=${UNET_TIME:-5x}
STAGES=${STAGES:-quality gemm unet}
PRECISIONS=${PRECISIONS:-fp32 bf16}
DATA=${DATA:-/usr/share/datasets/fashion-mnist}
BIN=${BIN:-$ROOT/bin/diffuse}
CHECKPOINT=${CHECKPOINT:-}
# a relative CHECKPOINT names a path from where the script was started
[ -n "$CHECKPOINT" ] && [ "${CHECKPOINT#/}" = "$CHECKPOINT" ] && CHECKPOINT=$PWD/$CHECKPOINT
model=() # --checkpoint for diffuse sample; none: the model shipped in BIN
[ -n "$CHECKPOINT" ] && model=(--checkpoint "$CHECKPOINT")
mkdir -p "$OUT"
cd "$ROOT"
[ -x "$BIN" ] || go build -o "$BIN" ./cmd/diffuse

# model_id (bench/model_id.sh): the SHA-256 of the model samples come from.
. "$ROOT/bench/model_id.sh"

# same_model: refuse an OUT whose samples came from another model, since the
# sampling stages keep what is there.
same_model() {
	local want
	want=$(model_id "$CHECKPOINT")
	if [ -f "$OUT/checkpoint.model" ] && [ "$(cat "$OUT/checkpoint.model")" != "$want" ]; then
		echo "bf16.sh: $OUT holds samples of $(cat "$OUT/checkpoint.model"), not of $want (CHECKPOINT): use another OUT" >&2
		exit 1
	fi
	echo "$want" >"$OUT/checkpoint.model"
}

for stage in $STAGES; do
	echo "== $stage ($(date -u +%H:%M) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg))"
	case $stage in
	quality)
		same_model
		for p in $PRECISIONS; do
			if [ ! -f "$OUT/$p.time" ] || [ "$(ls "$OUT/$p" | grep -c '_c[0-9]*\.png$')" -ne "$N" ]; then
				rm -rf "${OUT:?}/$p"
				TIMEFORMAT='%R %U %S'
				{ time "$BIN" sample "${model[@]}" --precision "$p" --n "$N" --batch "$BATCH_SAMPLE" --seed 1 \
					--sampler dpmpp2m --steps 20 --guidance 3 --out "$OUT/$p" >/dev/null; } 2>"$OUT/$p.time"
			fi
			[ -f "$OUT/$p.json" ] || "$BIN" eval --samples "$OUT/$p" --data "$DATA" --out "$OUT/$p.json" >"$OUT/$p.eval.txt"
			echo "-- $p ($N samples; sampling wall user sys seconds: $(cat "$OUT/$p.time"))"
			cat "$OUT/$p.eval.txt"
		done
		[ -f "$OUT/fp32.json" ] && [ -f "$OUT/bf16.json" ] || continue # the other copy compares them
		[ -f "$OUT/pair.json" ] || "$BIN" eval --samples "$OUT/bf16" --reference "$OUT/fp32" --data "$DATA" --out "$OUT/pair.json" >"$OUT/pair.eval.txt"
		echo "-- bf16 against fp32, image by image"
		grep -i 'psnr\|ssim' "$OUT/pair.eval.txt" || true
		go run ./bench/pixdiff "$OUT/fp32" "$OUT/bf16" | tee "$OUT/pixdiff.txt"
		;;
	seed)
		same_model
		if [ ! -f "$OUT/fp32-seed2.time" ] || [ "$(ls "$OUT/fp32-seed2" | grep -c '_c[0-9]*\.png$')" -ne "$N" ]; then
			rm -rf "${OUT:?}/fp32-seed2"
			TIMEFORMAT='%R %U %S'
			{ time "$BIN" sample "${model[@]}" --precision fp32 --n "$N" --batch "$BATCH_SAMPLE" --seed 2 \
				--sampler dpmpp2m --steps 20 --guidance 3 --out "$OUT/fp32-seed2" >/dev/null; } 2>"$OUT/fp32-seed2.time"
		fi
		[ -f "$OUT/fp32-seed2.json" ] || "$BIN" eval --samples "$OUT/fp32-seed2" --data "$DATA" --out "$OUT/fp32-seed2.json" >"$OUT/fp32-seed2.eval.txt"
		echo "-- fp32, seed 2 ($N samples; sampling wall user sys seconds: $(cat "$OUT/fp32-seed2.time"))"
		cat "$OUT/fp32-seed2.eval.txt"
		;;
	gemm)
		GOMAXPROCS=1 go test -run '^$' -bench 'GemmBF16$' -benchtime "$GEMM_TIME" -count "$ROUNDS" ./internal/kernels/ |
			tee "$OUT/gemm.txt" | grep Benchmark
		;;
	unet)
		go test -run '^$' -bench 'SamplePrecision' -benchtime "$UNET_TIME" -count "$ROUNDS" ./models/benchunet/ |
			tee "$OUT/unet.txt" | grep Benchmark
		;;
	*)
		echo "bf16.sh: unknown stage $stage (want quality, seed, gemm, unet)" >&2
		exit 2
		;;
	esac
done
