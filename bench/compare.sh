#!/usr/bin/env bash
# compare.sh PEER_DIR | PEER_SCRIPT...: diffusego side by side with the
# PyTorch peer scripts, as ratios. See README.md.
#
#   bench/compare.sh ../shared/bench                       # unet and text
#   bench/compare.sh ../shared/bench/torch_unet_bench.py   # unet only
#   MODELS=text bench/compare.sh ../shared/bench           # text only
#
# unet: bench-unet training and sampling (images/s), fp32 GEMM 1024 and peak
# RSS, against torch_unet_bench.py and models/benchunet. text: bench-text
# training and sampling (sequences/s) and peak RSS, against
# torch_text_bench.py and models/transformer (skipped, with a message, while
# that package has no benchmarks).
#
# The peer must run on OpenBLAS: on Debian's reference BLAS (no
# libopenblas0-pthread) PyTorch's GEMMs are about 40x slower, and the script
# refuses to print ratios.
#
# Environment: PYTHON (default /usr/bin/python3), MODELS (default: every
# model whose peer script was given), PEER_SECONDS (timed seconds per peer
# measurement, default 20), OURS_SECONDS (benchtime per diffusego benchmark,
# default 15), BATCHES (bench-unet, default "64 16"), TEXT_BATCHES
# (bench-text, default "32 8"), ROUNDS (default 3: the whole comparison is
# repeated and each ratio reported as its median).
set -euo pipefail

usage() {
	echo "usage: $0 PEER_DIR | PEER_SCRIPT... (torch_unet_bench.py, torch_text_bench.py)" >&2
	exit 2
}
[ $# -ge 1 ] || usage

# The peer scripts, by model.
declare -A peer
for arg in "$@"; do
	if [ -d "$arg" ]; then
		for m in unet text; do
			[ -f "$arg/torch_${m}_bench.py" ] && peer[$m]=$(cd "$arg" && pwd)/torch_${m}_bench.py
		done
	elif [ -f "$arg" ]; then
		case "$(basename "$arg")" in
		*unet*) peer[unet]=$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg") ;;
		*text*) peer[text]=$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg") ;;
		*) echo "compare.sh: $arg: want torch_unet_bench.py or torch_text_bench.py" >&2; exit 2 ;;
		esac
	else
		echo "compare.sh: $arg: no such file or folder" >&2
		exit 2
	fi
done
MODELS=${MODELS:-${peer[unet]:+unet} ${peer[text]:+text}}
read -ra models <<<"$MODELS"
[ "${#models[@]}" -gt 0 ] || usage
for m in "${models[@]}"; do
	case "$m" in unet | text) ;; *) echo "compare.sh: MODELS: unknown model $m (want unet, text)" >&2; exit 2 ;; esac
	[ -n "${peer[$m]:-}" ] || { echo "compare.sh: MODELS has $m but no torch_${m}_bench.py was given" >&2; exit 2; }
done

PYTHON=${PYTHON:-/usr/bin/python3}
PEER_SECONDS=${PEER_SECONDS:-20}
OURS_SECONDS=${OURS_SECONDS:-15}
BATCHES=${BATCHES:-64 16}
TEXT_BATCHES=${TEXT_BATCHES:-32 8}
ROUNDS=${ROUNDS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$ROOT"

# The peer's OpenBLAS kernels: the fastest this CPU runs (PEER_CORE to hold them).
source "$ROOT/bench/peercore.sh"

# refuse WHAT: stop without ratios because the peer is not on OpenBLAS.
refuse() {
	echo "compare.sh: $1" >&2
	echo "compare.sh: PyTorch is on the reference BLAS (about 40x slower GEMM), not what users run: no ratios." >&2
	echo "compare.sh: install libopenblas0-pthread (make deps) and run again." >&2
	exit 3
}

# PyTorch's BLAS, asked from the libblas.so.3 that torch loads.
blas=$("$PYTHON" bench/torch_blas.py) || refuse "bench/torch_blas.py says: $blas"
echo "PyTorch BLAS: $blas" >&2

# The text rows need diffusego's bench-text benchmarks.
for i in "${!models[@]}"; do
	if [ "${models[$i]}" = text ] && ! grep -qs '^func BenchmarkTrain(' models/transformer/*_test.go; then
		echo "compare.sh: skipping bench-text: models/transformer has no BenchmarkTrain yet" >&2
		unset 'models[i]'
	fi
done
[ "${#models[@]}" -gt 0 ] || exit 0

for m in "${models[@]}"; do
	case "$m" in
	unet) go test -c -o "$TMP/unet.test" ./models/benchunet/
		go test -c -o "$TMP/kernels.test" ./internal/kernels/ ;;
	text) go test -c -o "$TMP/text.test" ./models/transformer/ ;;
	esac
done

# maxrss FILE: the peak RSS in MiB from a /usr/bin/time -v report.
maxrss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }

# metric FILE UNIT: the number before UNIT on the benchmark line of FILE.
metric() {
	local v
	v=$(awk -v u="$2" '/^Benchmark/ {for (i = 2; i <= NF; i++) if ($i == u) print $(i - 1)}' "$1" | tail -1)
	if [ -z "$v" ]; then
		cat "$1" >&2
		echo "compare.sh: no $2 in the benchmark output above" >&2
		return 1
	fi
	echo "$v"
}

# peerfield FILE KEY: a value from the peer's closing JSON line.
peerfield() {
	"$PYTHON" -c 'import json, sys
r = json.loads([l for l in open(sys.argv[1]) if l.startswith("{")][-1])
for k in sys.argv[2].split("."):
    r = r[k]
print(r)' "$1" "$2"
}

# ratio A B: A/B to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }

# runpeer MODEL BATCH OUT [FLAGS...]: one peer run under /usr/bin/time -v,
# refused unless it reports OpenBLAS.
runpeer() {
	local m=$1 b=$2 out=$3
	shift 3
	echo "round $round/$ROUNDS, $m batch $b: PyTorch peer ($PEER_SECONDS s per measurement)..." >&2
	if ! /usr/bin/time -v -o "$out.time" "$PYTHON" "${peer[$m]}" --threads 2 --batch "$b" \
		--seconds "$PEER_SECONDS" "$@" >"$out"; then
		tail -5 "$out" >&2
		echo "compare.sh: the peer ${peer[$m]} failed" >&2
		exit 1
	fi
	local reported
	case "$m" in
	unet) reported=$(peerfield "$out" openblas_core) ;; # the OpenBLAS core, or None
	text) reported=$(peerfield "$out" blas) ;;          # openblas:CORE or reference-or-unknown
	esac
	case "$reported" in None | reference* | "") refuse "the peer reports BLAS '$reported'" ;; esac
}

# ours TEST NAME BATCH OUT: one diffusego benchmark under /usr/bin/time -v.
ours() {
	local dir
	case "$1" in unet) dir=models/benchunet ;; text) dir=models/transformer ;; esac
	echo "round $round/$ROUNDS, $1 batch $3: diffusego $2..." >&2
	(cd "$dir" && /usr/bin/time -v -o "$4.time" "$TMP/$1.test" -test.run XXX \
		-test.bench "^Benchmark$2\$/^batch=$3\$" -test.benchtime "${OURS_SECONDS}s" >"$4")
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

# unet_round: bench-unet at every batch in BATCHES; GEMM and RSS at 64.
unet_round() {
	for b in $BATCHES; do
		gemm=--skip-gemm
		[ "$b" = 64 ] && gemm=
		runpeer unet "$b" "$TMP/peer$b.out" $gemm
		ours unet TrainStep "$b" "$TMP/train$b.out"
		ours unet SampleForward "$b" "$TMP/sample$b.out"
		pt=$(peerfield "$TMP/peer$b.out" train_images_per_s)
		ps=$(peerfield "$TMP/peer$b.out" sample_images_per_s)
		ot=$(metric "$TMP/train$b.out" images/s)
		os=$(metric "$TMP/sample$b.out" images/s)
		record "train batch $b" "$(ratio "$ot" "$pt")" "(diffusego $ot images/s, PyTorch $pt)"
		record "sample batch $b" "$(ratio "$os" "$ps")" "(diffusego $os images/s, PyTorch $ps)"
		if [ "$b" = 64 ]; then
			echo "round $round/$ROUNDS: GEMM 1024, diffusego..." >&2
			# One second of products, as the peer times torch.mm after a
			# warm-up: five products (35 ms) timed the first, cold one too.
			"$TMP/kernels.test" -test.run XXX -test.bench '^BenchmarkGemm$/^1024$' -test.benchtime 1s >"$TMP/gemm.out"
			og=$(metric "$TMP/gemm.out" GFLOP/s)
			pg=$(peerfield "$TMP/peer$b.out" gemm_gflops.1024)
			record "gemm 1024" "$(ratio "$og" "$pg")" "(diffusego $og GFLOP/s, PyTorch on OpenBLAS $pg)"
			or=$(maxrss "$TMP/train$b.out.time")
			pr=$(maxrss "$TMP/peer$b.out.time")
			record "rss train batch $b" "$(ratio "$or" "$pr")" "(diffusego $or MiB, PyTorch $pr MiB; lower is better)"
		fi
	done
}

# text_round: bench-text at every batch in TEXT_BATCHES; RSS at 32.
text_round() {
	for b in $TEXT_BATCHES; do
		runpeer text "$b" "$TMP/tpeer$b.out"
		ours text Train "$b" "$TMP/ttrain$b.out"
		ours text Sample "$b" "$TMP/tsample$b.out"
		pt=$(peerfield "$TMP/tpeer$b.out" train_sequences_per_s)
		ps=$(peerfield "$TMP/tpeer$b.out" sample_sequences_per_s)
		ot=$(metric "$TMP/ttrain$b.out" seq/s)
		os=$(metric "$TMP/tsample$b.out" seq/s)
		record "text train batch $b" "$(ratio "$ot" "$pt")" "(diffusego $ot sequences/s, PyTorch $pt)"
		record "text sample batch $b" "$(ratio "$os" "$ps")" "(diffusego $os sequences/s, PyTorch $ps)"
		if [ "$b" = 32 ]; then
			or=$(maxrss "$TMP/ttrain$b.out.time")
			pr=$(maxrss "$TMP/tpeer$b.out.time")
			record "text rss train batch $b" "$(ratio "$or" "$pr")" "(diffusego $or MiB, PyTorch $pr MiB; lower is better)"
		fi
	done
}

for round in $(seq "$ROUNDS"); do
	for m in "${models[@]}"; do
		"${m}_round"
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
