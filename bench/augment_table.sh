#!/bin/sh
# Regenerates the tables and the plot of docs/augment.md: the downstream
# benchmark of diffuse augment on Fashion-MNIST (10, 50 and 300 real images
# per class) and on breast cancer with the malignant class cut to a tenth.
#
#   bench/augment_table.sh            # from the repository root; writes out/augment/
#
# Budget, as docs/augment.md reports it: 5 seeds; a synthetic pool of 30
# images per class at guidance 1 and 3 (DPM-Solver++(2M), 10 steps, the
# shipped model), cached in out/augment/ so a rerun skips it; the CNN trained
# 100 steps of 32 images; ratio and guidance chosen on 50 validation images
# per class; test accuracy on the first 2000 test images. Tables: 20 seeds;
# the tabular model 1000 iterations at width 128; minority ratios 0.5, 0.75,
# 0.9 and 0.95 (0.95 asks for more rows than the majority has, so it fills
# the minority up to it), chosen on validation balanced accuracy; the
# diffusego-filtered rows kept at a confidence of 0.5. Environment variables
# override: SEEDS, TABLE_SEEDS, PER_CLASS, POOL, STEPS, VAL, TEST, ITERS;
# CHECKPOINT (a checkpoint file or run folder) samples that image model
# instead of the shipped one, e.g. the model the docs' tables were measured
# with:
#
#   CHECKPOINT=models/shipped/fashion-mnist-2026-11-24.safetensors bench/augment_table.sh
#
# ONLY=images or ONLY=tables runs one benchmark. The text benchmark is
# bench/augment_text.sh.
set -eu
OUT=${OUT:-out/augment}
mkdir -p "$OUT"
go build -o "$OUT/augbench" ./augment/cmd/augbench
if [ "${ONLY:-images}" = images ]; then
"$OUT/augbench" -images -per-class "${PER_CLASS:-10,50,300}" -seeds "${SEEDS:-5}" \
	-ratios 0.5,0.75 -classic-ratios 0.75 -guidance 1,3 -pool "${POOL:-30}" -sampler-steps 10 \
	-steps "${STEPS:-100}" -val "${VAL:-50}" -test "${TEST:-2000}" -checkpoint "${CHECKPOINT:-}" \
	-out "$OUT" > "$OUT/images.md"
cat "$OUT/images.md"
fi
if [ "${ONLY:-tables}" = tables ]; then
"$OUT/augbench" -tables -seeds "${TABLE_SEEDS:-20}" -iters "${ITERS:-1000}" -width 128 \
	-table-ratios 0.5,0.75,0.9,0.95 -table-filter 0.5 \
	-table-data tabular/testdata/breast_cancer.csv:diagnosis:malignant -out "$OUT/tables" > "$OUT/tables.md"
cat "$OUT/tables.md"
fi
echo "plot: $OUT/augment-accuracy.png; raw results: $OUT/results.json, $OUT/tables/results.json"
