#!/usr/bin/env bash
# ab.sh REV_A REV_B: bench-unet (or bench-text) training and sampling of
# two commits, alternately, as the ratio B/A. See README.md.
#
#   bench/ab.sh main HEAD
#   BATCHES="16" ROUNDS=5 TRAIN=4x SAMPLE=10x bench/ab.sh 9976689 perf3
#   MODEL=text bench/ab.sh 5674820 main
#
# Each revision is exported with git archive into a temporary folder and
# its models/benchunet test binary built there. Each round runs A's
# BenchmarkTrainStep/batch=B, then B's, then A's and B's
# BenchmarkSampleForward/batch=B, for every batch size: close together in
# time, so that a shared machine's load falls on both alike. Each line
# gives both medians (images/s) and the median of the per-round ratios,
# by wall time and by CPU time: images per CPU-second of the benchmark
# process (user + system, /usr/bin/time), which a machine shared with other
# work disturbs far less than wall time (setup is included: model and
# batch creation, small against the timed steps).
#
# With MODEL=text the same is done for bench-text: models/transformer's
# BenchmarkTrain and BenchmarkSample, in sequences of 256 characters per
# second and per CPU-second.
#
# Environment: MODEL (unet or text, default unet), BATCHES (default "64 16";
# text "32 8"), BENCHES (default "TrainStep SampleForward"; text "Train
# Sample"), ROUNDS (default 3), TRAIN and SAMPLE (-benchtime of the training
# and sampling benchmarks, default 3x and 5x).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 REV_A REV_B" >&2; exit 2; }
MODEL=${MODEL:-unet}
case "$MODEL" in
unet) PKG=models/benchunet UNIT=images/s SAMPLEBENCH=SampleForward
	BATCHES=${BATCHES:-64 16} BENCHES=${BENCHES:-TrainStep SampleForward} ;;
text) PKG=models/transformer UNIT=seq/s SAMPLEBENCH=Sample
	BATCHES=${BATCHES:-32 8} BENCHES=${BENCHES:-Train Sample} ;;
*) echo "ab.sh: MODEL: unknown model $MODEL (want unet, text)" >&2; exit 2 ;;
esac
ROUNDS=${ROUNDS:-3}
TRAIN=${TRAIN:-3x}
SAMPLE=${SAMPLE:-5x}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# build NAME REV: the benchmark test binary of REV at $TMP/NAME.test.
build() {
	mkdir -p "$TMP/$1"
	git -C "$ROOT" archive "$2" | tar -x -C "$TMP/$1"
	(cd "$TMP/$1" && go test -c -o "$TMP/$1.test" "./$PKG/")
	echo "$1 = $2 ($(git -C "$ROOT" rev-parse --short "$2"))" >&2
}
build a "$1"
build b "$2"

# run NAME BENCH BATCH BENCHTIME: "wall cpu" for one benchmark run: its
# images/s (sequences/s), and its images (sequences) per CPU-second of the
# whole process.
run() {
	(cd "$ROOT/$PKG" && /usr/bin/time -f '%U %S' -o "$TMP/time" "$TMP/$1.test" -test.run XXX \
		-test.bench "^Benchmark$2\$/^batch=$3\$" -test.benchtime "$4" >"$TMP/out")
	awk -v b="$3" -v unit="$UNIT" -v t="$(cat "$TMP/time")" '/^Benchmark/ {
		for (i = 2; i <= NF; i++) if ($i == unit) w = $(i - 1)
		split(t, u, " "); printf "%s %.3f\n", w, $2 * b / (u[1] + u[2])
	}' "$TMP/out"
}

declare -A va vb ca cb
keys=()
for round in $(seq "$ROUNDS"); do
	for b in $BATCHES; do
		for bench in $BENCHES; do
			bt=$TRAIN
			[ "$bench" = "$SAMPLEBENCH" ] && bt=$SAMPLE
			key="$bench batch=$b"
			[ "$round" = 1 ] && keys+=("$key")
			echo "round $round/$ROUNDS: $key" >&2
			read -r w c <<<"$(run a "$bench" "$b" "$bt")"
			va[$key]+="$w " ca[$key]+="$c "
			read -r w c <<<"$(run b "$bench" "$b" "$bt")"
			vb[$key]+="$w " cb[$key]+="$c "
		done
	done
done

# median VALUES...: the median of the numbers given.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# row KEY X Y: medians of the rounds in X and Y and of the ratios Y/X.
row() {
	local -a x y rs=()
	read -ra x <<<"$2"
	read -ra y <<<"$3"
	for i in "${!x[@]}"; do rs+=("$(awk -v p="${y[$i]}" -v q="${x[$i]}" 'BEGIN {printf "%.3f", p / q}')"); done
	echo "$1 | $(median "${x[@]}") | $(median "${y[@]}") | $(median "${rs[@]}")x (rounds: ${rs[*]})"
}

echo "A = $1, B = $2; medians of $ROUNDS rounds"
echo "benchmark | A | B | B / A"
for key in "${keys[@]}"; do
	row "$key, $UNIT" "${va[$key]}" "${vb[$key]}"
	row "$key, ${UNIT%/s} per CPU-second" "${ca[$key]}" "${cb[$key]}"
done
