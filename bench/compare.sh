#!/usr/bin/env bash
# compare.sh PEER: bench-unet training and sampling, fp32 GEMM and peak RSS,
# diffusego side by side with the PyTorch peer script PEER. See README.md.
#
# Environment: PYTHON (default /usr/bin/python3), PEER_SECONDS (timed seconds
# per peer measurement, default 20), OURS_SECONDS (benchtime per diffusego
# benchmark, default 15), BATCHES (default "64 16"), ROUNDS (default 3: the
# whole comparison is repeated and each ratio reported as its median).
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
	echo "usage: $0 PATH_TO_PEER_SCRIPT" >&2
	exit 2
fi
PEER=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
PYTHON=${PYTHON:-/usr/bin/python3}
PEER_SECONDS=${PEER_SECONDS:-20}
OURS_SECONDS=${OURS_SECONDS:-15}
BATCHES=${BATCHES:-64 16}
ROUNDS=${ROUNDS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cd "$ROOT"
go test -c -o "$TMP/benchunet.test" ./models/benchunet/
go test -c -o "$TMP/kernels.test" ./internal/kernels/

# maxrss FILE: the peak RSS in MiB from a /usr/bin/time -v report.
maxrss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }

# metric FILE UNIT: the number before UNIT on the benchmark line of FILE.
metric() { awk -v u="$2" '/^Benchmark/ {for (i = 2; i <= NF; i++) if ($i == u) print $(i - 1)}' "$1" | tail -1; }

# peerfield FILE KEY: a number from the peer's closing JSON line.
peerfield() {
	"$PYTHON" -c 'import json, sys
r = json.loads([l for l in open(sys.argv[1]) if l.startswith("{")][-1])
for k in sys.argv[2].split("."):
    r = r[k]
print(r)' "$1" "$2"
}

# ratio A B: A/B to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }

# ours NAME BATCH OUT: run one diffusego benchmark under /usr/bin/time -v.
ours() {
	(cd models/benchunet && /usr/bin/time -v -o "$3.time" "$TMP/benchunet.test" -test.run XXX \
		-test.bench "^Benchmark$1\$/^batch=$2\$" -test.benchtime "${OURS_SECONDS}s" >"$3")
}

# Each measurement keeps, per round, its ratio and the line that explains it.
declare -A ratios lines
order=()
# record KEY RATIO LINE: one round's result for measurement KEY.
record() {
	[ -n "${ratios[$1]+x}" ] || order+=("$1")
	ratios[$1]+="$2 "
	lines[$1]+="$3"$'\n'
}

for round in $(seq "$ROUNDS"); do
	for b in $BATCHES; do
		gemm=--skip-gemm
		[ "$b" = 64 ] && gemm=
		echo "round $round/$ROUNDS, batch $b: PyTorch peer ($PEER_SECONDS s per measurement)..." >&2
		/usr/bin/time -v -o "$TMP/peer$b.time" "$PYTHON" "$PEER" --threads 2 --batch "$b" \
			--seconds "$PEER_SECONDS" $gemm >"$TMP/peer$b.out"
		echo "round $round/$ROUNDS, batch $b: diffusego..." >&2
		ours TrainStep "$b" "$TMP/train$b.out"
		ours SampleForward "$b" "$TMP/sample$b.out"
		pt=$(peerfield "$TMP/peer$b.out" train_images_per_s)
		ps=$(peerfield "$TMP/peer$b.out" sample_images_per_s)
		ot=$(metric "$TMP/train$b.out" images/s)
		os=$(metric "$TMP/sample$b.out" images/s)
		record "train batch $b" "$(ratio "$ot" "$pt")" "(diffusego $ot images/s, PyTorch $pt)"
		record "sample batch $b" "$(ratio "$os" "$ps")" "(diffusego $os images/s, PyTorch $ps)"
		if [ "$b" = 64 ]; then
			echo "round $round/$ROUNDS: GEMM 1024, diffusego..." >&2
			"$TMP/kernels.test" -test.run XXX -test.bench '^BenchmarkGemm$/^1024$' -test.benchtime 5x >"$TMP/gemm.out"
			og=$(metric "$TMP/gemm.out" GFLOP/s)
			pg=$(peerfield "$TMP/peer$b.out" gemm_gflops.1024)
			record "gemm 1024" "$(ratio "$og" "$pg")" "(diffusego $og GFLOP/s, PyTorch $pg)"
			or=$(maxrss "$TMP/train$b.out.time")
			pr=$(maxrss "$TMP/peer$b.time")
			record "rss train batch $b" "$(ratio "$or" "$pr")" "(diffusego $or MiB, PyTorch $pr MiB; lower is better)"
		fi
	done
done

# One line per measurement: the median ratio over the rounds, the round
# that gave it, and every round's ratio.
for key in "${order[@]}"; do
	read -ra rs <<<"${ratios[$key]}"
	mapfile -t ls < <(printf '%s' "${lines[$key]}")
	mid=$(for i in "${!rs[@]}"; do echo "${rs[$i]%x} $i"; done | sort -g | awk -v n="${#rs[@]}" 'NR == int((n + 1) / 2) {print $2}')
	echo "$key: ${rs[$mid]} ${ls[$mid]}; rounds: ${rs[*]}"
done
