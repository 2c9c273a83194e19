#!/usr/bin/env bash
# winograd.sh: bench-unet's 3×3 convolutions through Winograd F(2×2, 3×3),
# Winograd F(4×4, 3×3) and the implicit GEMM, per shape, in GFLOP per
# CPU-second (the direct convolution's flops; the table of
# docs/profile.md, "Round 3").
#
#   bench/winograd.sh                     # N=64, 5 rounds, one core
#   N=16 ROUNDS=3 CPU=2 bench/winograd.sh
#   DIFFUSEGO_KERNELS=avx2 bench/winograd.sh   # the AVX2 kernels, as on CPUs without AVX-512
#
# Each round runs BenchmarkConvPaths/N$N of autograd once: for every
# shape, the forward pass (fwd) and the backward pass (bwd: input, weight
# and bias gradients) by each path, back to back. The table gives the
# medians over the rounds of the three rates and of the per-round ratios
# F(2×2) / implicit GEMM and F(4×4) / F(2×2). CPU time is that of the benchmark process
# (getrusage), which a shared machine disturbs far less than wall time.
#
# Environment: N (batch, default 64; 64 or 16), ROUNDS (default 5), CPU
# (GOMAXPROCS, default 1), BENCHTIME (default 10x), FILTER (a regular
# expression on the shape, default all); DIFFUSEGO_KERNELS (generic or
# avx2: the kernels the benchmark runs, named in the table's first line).
set -euo pipefail

N=${N:-64}
ROUNDS=${ROUNDS:-5}
CPU=${CPU:-1}
BENCHTIME=${BENCHTIME:-10x}
FILTER=${FILTER:-.}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

(cd "$ROOT" && go test -c -o "$TMP/autograd.test" ./autograd/)
for round in $(seq "$ROUNDS"); do
	echo "round $round/$ROUNDS" >&2
	(cd "$ROOT/autograd" && GOMAXPROCS=$CPU "$TMP/autograd.test" -test.run '^$' \
		-test.bench "^BenchmarkConvPaths\$/^N$N\$/$FILTER" -test.benchtime "$BENCHTIME") |
		awk -v r="$round" '/GFLOP\/cpu-s/ { split($1, p, "/"); sub(/-[0-9]+$/, "", p[5]); print r, p[3], p[4], p[5], $(NF - 1) }' >>"$TMP/all"
done

echo "N=$N, GOMAXPROCS=$CPU, kernels ${DIFFUSEGO_KERNELS:-of this CPU}, $ROUNDS rounds of -benchtime $BENCHTIME, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "shape (Cin-Cout@HW) | pass | implicit GEMM | F(2×2) | F(4×4) | F(2×2) / GEMM | F(4×4) / F(2×2) (rounds)"
awk '
	{ v[$2 " " $3 " " $4, $1] = $5; if (!($2 " " $3 in seen)) { seen[$2 " " $3] = 1; keys[++nk] = $2 " " $3 }; if ($1 > nr) nr = $1 }
	function median(a, n,    i, j, t) {
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	END {
		for (k = 1; k <= nk; k++) {
			split(keys[k], kp, " ")
			rs = ""
			for (r = 1; r <= nr; r++) {
				g[r] = v[keys[k] " gemm", r]; w[r] = v[keys[k] " wino", r]; w4[r] = v[keys[k] " wino4", r]
				q[r] = w[r] / g[r]; q4[r] = w4[r] / w[r]; rs = rs sprintf(" %.2f", q4[r])
			}
			printf "%s | %s | %.1f | %.1f | %.1f | %.2fx | %.2fx (%s)\n", kp[1], kp[2], median(g, nr), median(w, nr), median(w4, nr), median(q, nr), median(q4, nr), substr(rs, 2)
		}
	}' "$TMP/all"
