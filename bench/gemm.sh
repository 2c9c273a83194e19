#!/usr/bin/env bash
# gemm.sh: diffusego's float32 GEMM side by side with torch.mm on OpenBLAS,
# square n×n products, as ratios. See README.md.
#
#   bench/gemm.sh                                  # n = 256 512 1024 2048, 5 rounds
#   SIZES="1024" ROUNDS=9 bench/gemm.sh
#   BASELINE=/tmp/main-kernels.test bench/gemm.sh  # adds a column for another build
#
# Each round runs, for every size, diffusego's BenchmarkGemm/n, then the
# same product in PyTorch (torch.mm with --threads 2, out= a preallocated
# C, after a warm-up), then BASELINE's BenchmarkGemm/n when given: close
# together in time, so that a shared machine's load falls on all of them
# alike. Each line gives the median GFLOP/s over the rounds and the median
# of the per-round ratios.
#
# With CPU=1 both sides run on one thread (GOMAXPROCS=1, torch
# set_num_threads(1)) and are timed by CPU time instead of wall time:
# diffusego's GFLOP/cpu-s metric (process user + system time over the
# timed loop) against PyTorch's time.process_time() over its timed loop.
# On a machine shared with other work this measures one core's speed far
# more steadily than wall time, which mostly measures the load.
#
# Environment: PYTHON (default /usr/bin/python3), SIZES (default
# "256 512 1024 2048"), ROUNDS (default 5), SECONDS_EACH (seconds per
# measurement, default 1), THREADS (PyTorch's threads, default 2; diffusego
# uses GOMAXPROCS, all cores), CPU (1: one thread each, CPU time), BASELINE
# (a test binary of ./internal/kernels built from another commit, with
# BenchmarkGemm reporting GFLOP/cpu-s when CPU=1; optional).
set -euo pipefail

PYTHON=${PYTHON:-/usr/bin/python3}
SIZES=${SIZES:-256 512 1024 2048}
ROUNDS=${ROUNDS:-5}
SECONDS_EACH=${SECONDS_EACH:-1}
THREADS=${THREADS:-2}
CPU=${CPU:-}
METRIC=GFLOP/s
if [ -n "$CPU" ]; then
	THREADS=1 METRIC=GFLOP/cpu-s
	export GOMAXPROCS=1
fi
BASELINE=${BASELINE:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$ROOT"

# The peer's OpenBLAS kernels: the fastest this CPU runs (PEER_CORE to hold them).
source "$ROOT/bench/peercore.sh"

blas=$("$PYTHON" bench/torch_blas.py) || {
	echo "gemm.sh: bench/torch_blas.py says: $blas" >&2
	echo "gemm.sh: PyTorch is not on OpenBLAS (install libopenblas0-pthread: make deps): no ratios." >&2
	exit 3
}
echo "PyTorch BLAS: $blas" >&2
if [ -n "$BASELINE" ] && [ ! -x "$BASELINE" ]; then
	echo "gemm.sh: BASELINE=$BASELINE: not an executable test binary" >&2
	exit 2
fi
go test -c -o "$TMP/kernels.test" ./internal/kernels/

# ours BINARY N: METRIC of BenchmarkGemm/N from a kernels test binary.
ours() {
	local v
	v=$("$1" -test.run XXX -test.bench "^BenchmarkGemm\$/^$2\$" -test.benchtime "${SECONDS_EACH}s" |
		awk -v u="$METRIC" '/^Benchmark/ {for (i = 2; i <= NF; i++) if ($i == u) print $(i - 1)}' | tail -1)
	if [ -z "$v" ]; then
		echo "gemm.sh: $1 reports no $METRIC for BenchmarkGemm/$2" >&2
		exit 1
	fi
	echo "$v"
}

# torchmm N: GFLOP/s of torch.mm at N, timed for SECONDS_EACH after a
# warm-up (per CPU-second with CPU=1).
torchmm() {
	"$PYTHON" - "$1" "$SECONDS_EACH" "$THREADS" "${CPU:-0}" <<'EOF'
import sys, time, torch
n, secs, threads, cpu = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
torch.set_num_threads(threads)
a, b = torch.randn(n, n), torch.randn(n, n)
c = torch.mm(a, b)
for _ in range(3):
    torch.mm(a, b, out=c)
calls, start, cpu0 = 0, time.perf_counter(), time.process_time()
while time.perf_counter() - start < secs:
    torch.mm(a, b, out=c)
    calls += 1
spent = time.process_time() - cpu0 if cpu else time.perf_counter() - start
print("%.2f" % (2.0 * n ** 3 * calls / spent / 1e9))
EOF
}

declare -A go pt base
for round in $(seq "$ROUNDS"); do
	for n in $SIZES; do
		echo "round $round/$ROUNDS, n = $n" >&2
		go[$n]+="$(ours "$TMP/kernels.test" "$n") "
		pt[$n]+="$(torchmm "$n") "
		[ -n "$BASELINE" ] && base[$n]+="$(ours "$BASELINE" "$n") "
	done
done

# median VALUES...: the median of the numbers given.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# ratios A B: the per-round ratios A[i]/B[i].
ratios() {
	local -a a b
	read -ra a <<<"$1"
	read -ra b <<<"$2"
	for i in "${!a[@]}"; do awk -v x="${a[$i]}" -v y="${b[$i]}" 'BEGIN {printf "%.3f\n", x / y}'; done
}

header="n | diffusego $METRIC | PyTorch $METRIC | diffusego / PyTorch"
[ -n "$BASELINE" ] && header+=" | baseline $METRIC | baseline / PyTorch"
echo "$header (medians of $ROUNDS rounds, ${SECONDS_EACH} s each, PyTorch on $THREADS thread(s))"
for n in $SIZES; do
	read -ra g <<<"${go[$n]}"
	read -ra p <<<"${pt[$n]}"
	mapfile -t r < <(ratios "${go[$n]}" "${pt[$n]}")
	line="$n | $(median "${g[@]}") | $(median "${p[@]}") | $(median "${r[@]}")x (rounds: ${r[*]})"
	if [ -n "$BASELINE" ]; then
		read -ra q <<<"${base[$n]}"
		mapfile -t rb < <(ratios "${base[$n]}" "${pt[$n]}")
		line+=" | $(median "${q[@]}") | $(median "${rb[@]}")x"
	fi
	echo "$line"
done
