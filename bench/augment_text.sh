#!/bin/sh
# Regenerates the text table of docs/augment.md: the downstream benchmark
# of diffuse augment on labelled text, four Debian fortune files as classes
# (computers, definitions, science, work; texts of at most 100 characters).
#
#   bench/augment_text.sh            # from the repository root; writes out/augment-text/
#
# Budget, as docs/augment.md reports it: 5 seeds; 50 real texts per class,
# validation 50 and test 100 per class (one fixed split); per seed an MDLM
# generator (tiny preset, context 128, batch 16) trained from scratch 500
# steps on the 200 real texts, sampled with 32 steps; a character 5-gram
# beside it; the mixing ratio (0.25 or 0.5) chosen on validation macro-F1.
# Needs the Debian packages fortunes and fortunes-min. Environment variables
# override: SEEDS, PER_CLASS, STEPS, SAMPLER_STEPS, RATIOS, DATA.
set -eu
OUT=${OUT:-out/augment-text}
mkdir -p "$OUT"
go build -o "$OUT/augbench" ./augment/cmd/augbench
"$OUT/augbench" -text -seeds "${SEEDS:-5}" -text-data "${DATA:-fortunes:computers,definitions,science,work}" \
	-text-per-class "${PER_CLASS:-50}" -text-steps "${STEPS:-500}" -text-sampler-steps "${SAMPLER_STEPS:-32}" \
	-text-ratios "${RATIOS:-0.25,0.5}" -out "$OUT" > "$OUT/text.md"
cat "$OUT/text.md"
echo "raw results: $OUT/results.json"
