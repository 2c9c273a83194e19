#!/usr/bin/env bash
# ab.sh REV_A REV_B: bench-unet training and sampling of two commits,
# alternately, as the ratio B/A. See README.md.
#
#   bench/ab.sh main HEAD
#   BATCHES="16" ROUNDS=5 TRAIN=4x SAMPLE=10x bench/ab.sh 9976689 perf3
#
# Each revision is exported with git archive into a temporary folder and
# its models/benchunet test binary built there. Each round runs A's
# BenchmarkTrainStep/batch=B, then B's, then A's and B's
# BenchmarkSampleForward/batch=B, for every batch size: close together in
# time, so that a shared machine's load falls on both alike. Each line
# gives both medians (images/s) and the median of the per-round ratios.
#
# Environment: BATCHES (default "64 16"), BENCHES (default "TrainStep
# SampleForward"), ROUNDS (default 3), TRAIN and SAMPLE (-benchtime of the
# training and sampling benchmarks, default 3x and 5x).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 REV_A REV_B" >&2; exit 2; }
BATCHES=${BATCHES:-64 16}
BENCHES=${BENCHES:-TrainStep SampleForward}
ROUNDS=${ROUNDS:-3}
TRAIN=${TRAIN:-3x}
SAMPLE=${SAMPLE:-5x}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# build NAME REV: the bench-unet test binary of REV at $TMP/NAME.test.
build() {
	mkdir -p "$TMP/$1"
	git -C "$ROOT" archive "$2" | tar -x -C "$TMP/$1"
	(cd "$TMP/$1" && go test -c -o "$TMP/$1.test" ./models/benchunet/)
	echo "$1 = $2 ($(git -C "$ROOT" rev-parse --short "$2"))" >&2
}
build a "$1"
build b "$2"

# run NAME BENCH BATCH BENCHTIME: images/s of one benchmark run.
run() {
	(cd "$ROOT/models/benchunet" && "$TMP/$1.test" -test.run XXX -test.bench "^Benchmark$2\$/^batch=$3\$" \
		-test.benchtime "$4") | awk '/^Benchmark/ {for (i = 2; i <= NF; i++) if ($i == "images/s") print $(i - 1)}'
}

declare -A va vb
keys=()
for round in $(seq "$ROUNDS"); do
	for b in $BATCHES; do
		for bench in $BENCHES; do
			bt=$TRAIN
			[ "$bench" = SampleForward ] && bt=$SAMPLE
			key="$bench batch=$b"
			[ "$round" = 1 ] && keys+=("$key")
			echo "round $round/$ROUNDS: $key" >&2
			va[$key]+="$(run a "$bench" "$b" "$bt") "
			vb[$key]+="$(run b "$bench" "$b" "$bt") "
		done
	done
done

# median VALUES...: the median of the numbers given.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "benchmark | A images/s | B images/s | B / A (medians of $ROUNDS rounds; A = $1, B = $2)"
for key in "${keys[@]}"; do
	read -ra x <<<"${va[$key]}"
	read -ra y <<<"${vb[$key]}"
	rs=()
	for i in "${!x[@]}"; do rs+=("$(awk -v p="${y[$i]}" -v q="${x[$i]}" 'BEGIN {printf "%.3f", p / q}')"); done
	echo "$key | $(median "${x[@]}") | $(median "${y[@]}") | $(median "${rs[@]}")x (rounds: ${rs[*]})"
done
