#!/usr/bin/env bash
# beam_throughput.sh: the time to draw N Fashion-MNIST samples from the
# shipped model (or the checkpoint CHECKPOINT) three ways, on this machine:
#
#   cli      one diffuse sample process
#   sharded  SHARDS diffuse sample processes at once (--shard I --shards SHARDS)
#   beam     diffuse-beam sample on the prism runner (one process)
#
# and checks that the three wrote the same PNGs, byte for byte. Prints a
# Markdown table: seconds, images/s, the time per 10,000 images, and the
# overhead of each path against the CLI.
#
#   bench/beam_throughput.sh                    # 2,000 samples, 20 steps
#   N=200 bench/beam_throughput.sh              # a reduced count
#   CHECKPOINT=models/shipped/fashion-mnist-2026-11-24.safetensors bench/beam_throughput.sh
#
# Environment: CHECKPOINT (a checkpoint file or run folder, passed to all
# three paths as --checkpoint; default: the shipped model), N (default 2000),
# STEPS (dpmpp2m steps, default 20), SHARDS
# (default 2), BATCH (default 64), OUT (default out/beam-throughput),
# GO (default go). Builds bin/diffuse and bin/diffuse-beam first. Timings
# on a machine shared with other work are not speed claims.
set -euo pipefail

CHECKPOINT=${CHECKPOINT:-}
# a relative CHECKPOINT names a path from where the script was started
[ -n "$CHECKPOINT" ] && [ "${CHECKPOINT#/}" = "$CHECKPOINT" ] && CHECKPOINT=$PWD/$CHECKPOINT
cd "$(dirname "$0")/.."
N=${N:-2000}
STEPS=${STEPS:-20}
SHARDS=${SHARDS:-2}
BATCH=${BATCH:-64}
OUT=${OUT:-out/beam-throughput}
GO=${GO:-go}

$GO build -o bin/diffuse ./cmd/diffuse
(cd beam && $GO build -o ../bin/diffuse-beam ./cmd/diffuse-beam)
rm -rf "$OUT"
mkdir -p "$OUT"
common=(--n "$N" --steps "$STEPS" --batch "$BATCH" --seed 1 --sampler dpmpp2m --guidance 3)
[ -n "$CHECKPOINT" ] && common+=(--checkpoint "$CHECKPOINT")

now() { date +%s.%N; }

t0=$(now)
bin/diffuse sample "${common[@]}" --out "$OUT/cli" >"$OUT/cli.log"
t1=$(now)
pids=()
for ((i = 0; i < SHARDS; i++)); do
	bin/diffuse sample "${common[@]}" --shard "$i" --shards "$SHARDS" --out "$OUT/sharded" >"$OUT/sharded-$i.log" &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
t2=$(now)
bin/diffuse-beam sample "${common[@]}" --out "$OUT/beam" >"$OUT/beam.log" 2>&1
t3=$(now)

# the same images, byte for byte (grid.png is only in the one-process run)
rm -f "$OUT/cli/grid.png"
for d in sharded beam; do
	if ! diff -r -q "$OUT/cli" "$OUT/$d" >/dev/null; then
		echo "beam_throughput: $OUT/$d differs from $OUT/cli" >&2
		exit 1
	fi
done

nproc=$(nproc)
load=$(cut -d' ' -f1-3 /proc/loadavg)
awk -v n="$N" -v steps="$STEPS" -v shards="$SHARDS" -v cli="$(echo "$t1 - $t0" | bc)" \
	-v sharded="$(echo "$t2 - $t1" | bc)" -v beam="$(echo "$t3 - $t2" | bc)" -v cpus="$nproc" -v load="$load" 'BEGIN {
	printf "%d samples, dpmpp2m %d steps, guidance 3, %d CPUs, load average at the end (1, 5, 15 min): %s\n\n", n, steps, cpus, load
	print "| path | seconds | images/s | per 10,000 images | against the CLI |"
	print "| --- | --- | --- | --- | --- |"
	row("diffuse sample, one process", cli)
	row(sprintf("diffuse sample, %d processes", shards), sharded)
	row("diffuse-beam sample, prism", beam)
	printf "\nall three wrote the same %d PNGs, byte for byte\n", n
}
function row(name, s) {
	printf "| %s | %.1f | %.2f | %.1f min | %+.1f%% |\n", name, s, n / s, s / n * 10000 / 60, (s / cli - 1) * 100
}'
