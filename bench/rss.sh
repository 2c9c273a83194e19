#!/usr/bin/env bash
# rss.sh REV...: peak RSS of bench-unet's training benchmark at batch 64 for
# each revision, measured as compare.sh measures its "rss train batch 64"
# row: /usr/bin/time -v on the models/benchunet test binary running
# BenchmarkTrainStep/batch=64 for -benchtime 15s. See README.md.
#
#   bench/rss.sh main HEAD
#   ROUNDS=5 BENCHTIME=40x bench/rss.sh main HEAD
#   PEER=../shared/bench/torch_unet_bench.py bench/rss.sh HEAD
#
# Each revision is exported with git archive and its test binary built, as
# in ab.sh; the revisions then run in turn, ROUNDS times. Peak RSS does not
# depend on the machine's load (only the number of steps a timed run gets
# does), so a shared machine gives the quiet machine's numbers when
# BENCHTIME is a step count. Prints each revision's median in MiB (and
# every round's), and its ratio to the first revision's median.
#
# Environment: ROUNDS (default 3), BENCHTIME (default 15s, compare.sh's
# OURS_SECONDS), BATCH (default 64), PEER (torch_unet_bench.py: measured
# once per round as compare.sh runs it, with --skip-gemm, and each
# revision's ratio to it printed), PYTHON (default /usr/bin/python3).
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 REV..." >&2; exit 2; }
ROUNDS=${ROUNDS:-3}
BENCHTIME=${BENCHTIME:-15s}
BATCH=${BATCH:-64}
PYTHON=${PYTHON:-/usr/bin/python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# The peer's OpenBLAS kernels: the fastest this CPU runs (PEER_CORE to hold them).
source "$ROOT/bench/peercore.sh"

revs=("$@")
for i in "${!revs[@]}"; do
	mkdir -p "$TMP/$i"
	git -C "$ROOT" archive "${revs[$i]}" | tar -x -C "$TMP/$i"
	(cd "$TMP/$i" && go test -c -o "$TMP/$i.test" ./models/benchunet/)
	echo "${revs[$i]} = $(git -C "$ROOT" rev-parse --short "${revs[$i]}")" >&2
done

# maxrss FILE: the peak RSS in MiB from a /usr/bin/time -v report.
maxrss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }

# ratio A B: A / B as compare.sh prints it ("1.23x").
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }

# median VALUES...: the median of the numbers given.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

declare -A rss
for round in $(seq "$ROUNDS"); do
	for i in "${!revs[@]}"; do
		echo "round $round/$ROUNDS: ${revs[$i]}" >&2
		(cd "$ROOT/models/benchunet" && /usr/bin/time -v -o "$TMP/time" "$TMP/$i.test" -test.run XXX \
			-test.bench "^BenchmarkTrainStep\$/^batch=$BATCH\$" -test.benchtime "$BENCHTIME" >"$TMP/out")
		rss[$i]+="$(maxrss "$TMP/time") "
	done
	if [ -n "${PEER:-}" ]; then
		echo "round $round/$ROUNDS: PyTorch peer" >&2
		/usr/bin/time -v -o "$TMP/time" "$PYTHON" "$PEER" --threads 2 --batch "$BATCH" --seconds 20 --skip-gemm >"$TMP/out"
		rss[peer]+="$(maxrss "$TMP/time") "
	fi
done

read -ra first <<<"${rss[0]}"
base=$(median "${first[@]}")
peer=
if [ -n "${PEER:-}" ]; then
	read -ra p <<<"${rss[peer]}"
	peer=$(median "${p[@]}")
fi
echo "peak RSS, bench-unet training at batch $BATCH, -benchtime $BENCHTIME; medians of $ROUNDS rounds"
echo "revision | MiB | rounds | vs ${revs[0]}${peer:+ | vs PyTorch ($peer MiB)}"
for i in "${!revs[@]}"; do
	read -ra r <<<"${rss[$i]}"
	m=$(median "${r[@]}")
	line="${revs[$i]} | $m | ${r[*]} | $(ratio "$m" "$base")"
	[ -n "$peer" ] && line+=" | $(ratio "$m" "$peer")"
	echo "$line"
done
