#!/usr/bin/env bash
# distill_table.sh OUT: the few-step table of docs/distill.md.
#
# Distils the shipped Fashion-MNIST model, or the checkpoint TEACHER (a file
# or run folder), with diffuse distill (guidance w = 3
# distilled in round 0 on the 8-step DDIM grid, then halving rounds down to one
# step), then draws N guided samples (N = 2000 by default, 200 per class) from
#   - the teacher: DPM-Solver++(2M), 20 steps, guidance 3 = 40 network calls per image;
#   - the students of 4, 2 and 1 steps = 4, 2 and 1 network calls per image;
# scores each folder with diffuse eval (FD, precision, recall, class accuracy,
# with the real-vs-real floor) and prints one Markdown table with images/s
# (wall clock) and images per CPU-second (user + system time of the sample
# command, which on a shared machine says more than the wall clock).
# The distillation's cost is the CPU time the run records in its students.
#
# Every stage is skipped when its output is already there, so the script can
# be stopped and run again; a stopped distillation resumes exactly.
#
# DISTILL=0 skips the distillation (only samples and scores the students there).
# PARTIAL=1 also scores a round that has no student file yet from its newest
# checkpoint (ckpt-rRR-SSSSSS), labelled with the steps it had done.
#
# TEACHER=models/shipped/fashion-mnist-2026-11-24.safetensors repeats the
# table of docs/distill.md with the model it was measured with. The teacher
# is recorded in OUT/teacher.model, and a rerun with another TEACHER into the
# same OUT is refused (its teacher samples and students would be stale).
#
# Settings (environment): TEACHER (empty: the shipped model), N (2000),
# TRAIN_STEPS per round (120), BATCH (32),
# LR (4e-4), WARMUP (10), START_STEPS (8), FINAL_STEPS (1), GUIDANCE (3),
# BATCH_SAMPLE (250), BIN (bin/diffuse), DATA (/usr/share/datasets/fashion-mnist).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/bin/diffuse}
OUT=${1:?usage: distill_table.sh OUT}
N=${N:-2000}
TRAIN_STEPS=${TRAIN_STEPS:-120}
BATCH=${BATCH:-32}
LR=${LR:-4e-4}
WARMUP=${WARMUP:-10}
START_STEPS=${START_STEPS:-8}
FINAL_STEPS=${FINAL_STEPS:-1}
GUIDANCE=${GUIDANCE:-3}
BATCH_SAMPLE=${BATCH_SAMPLE:-250}
DATA=${DATA:-/usr/share/datasets/fashion-mnist}
TEACHER=${TEACHER:-}
teacher=() # the teacher checkpoint for distill and for sample; none: the shipped model
[ -n "$TEACHER" ] && teacher=(--checkpoint "$TEACHER")
# model_id (bench/model_id.sh): the SHA-256 of the model samples come from.
. "$ROOT/bench/model_id.sh"

mkdir -p "$OUT"
[ -x "$BIN" ] || (cd "$ROOT" && go build -o "$BIN" ./cmd/diffuse)
want=$(model_id "$TEACHER")
if [ -f "$OUT/teacher.model" ] && [ "$(cat "$OUT/teacher.model")" != "$want" ]; then
	echo "distill_table.sh: $OUT holds the results of teacher $(cat "$OUT/teacher.model"), not of $want (TEACHER): use another OUT" >&2
	exit 1
fi
echo "$want" >"$OUT/teacher.model"

distill_args=(--out "$OUT/run" --guidance "$GUIDANCE" --start-steps "$START_STEPS" --final-steps "$FINAL_STEPS"
	--train-steps "$TRAIN_STEPS" --batch "$BATCH" --lr "$LR" --warmup "$WARMUP" --data "$DATA")
[ -n "$TEACHER" ] && distill_args+=(--teacher "$TEACHER")
resume=()
[ -f "$OUT/run/run.json" ] && resume=(--resume)
if [ "${DISTILL:-1}" != 0 ]; then
	"$BIN" distill "${distill_args[@]}" "${resume[@]}" | tee -a "$OUT/distill.log"
fi
cpu_min=$(grep -o '([0-9.]* CPU-minutes so far)' "$OUT/distill.log" | tail -1 | tr -dc '0-9.')

# sample NAME ARGS...: N images into $OUT/NAME, timed into $OUT/NAME.time
# ("wall user sys" seconds), unless both are there.
sample() {
	local name=$1
	shift
	if [ -f "$OUT/$name.time" ] && [ "$(ls "$OUT/$name" | grep -c '_c[0-9]*\.png$')" -eq "$N" ]; then
		return
	fi
	rm -rf "${OUT:?}/$name"
	local TIMEFORMAT='%R %U %S'
	{ time "$BIN" sample --n "$N" --batch "$BATCH_SAMPLE" --seed 1 --out "$OUT/$name" "$@" >/dev/null; } 2>"$OUT/$name.time"
}
score() {
	[ -f "$OUT/$1.json" ] || "$BIN" eval --samples "$OUT/$1" --data "$DATA" --out "$OUT/$1.json" >/dev/null
}

sample teacher "${teacher[@]}" --guidance "$GUIDANCE" --sampler dpmpp2m --steps 20
score teacher
declare -A label
for s in 4 2 1; do
	f=$(printf '%s/run/student-%04d.safetensors' "$OUT" "$s")
	label[$s]="student, $s step$([ "$s" = 1 ] || echo s)"
	if [ ! -f "$f" ] && [ "${PARTIAL:-0}" = 1 ]; then
		r=0 n=$START_STEPS
		while [ "$n" -gt "$s" ]; do n=$((n / 2)) r=$((r + 1)); done
		f=$(ls "$OUT"/run/ckpt-r$(printf '%02d' "$r")-*.safetensors 2>/dev/null | tail -1 || true)
		[ -n "$f" ] && label[$s]="${label[$s]} (round $r stopped at step $((10#$(basename "$f" .safetensors | cut -d- -f3))) of $TRAIN_STEPS)"
	fi
	[ -f "$f" ] || continue
	sample "student$s" --checkpoint "$f"
	score "student$s"
done

printf 'distillation: %s CPU-minutes (%s train steps of %s images per round, rounds %s→%s steps, w = %s)\n\n' \
	"$cpu_min" "$TRAIN_STEPS" "$BATCH" "$START_STEPS" "$FINAL_STEPS" "$GUIDANCE"
printf '| sampler | network calls per image | n | FD | precision | recall | class accuracy | images/s | images per CPU-second |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
row() { # row NAME LABEL CALLS
	[ -f "$OUT/$1.json" ] || return 0
	read -r wall user sys <"$OUT/$1.time"
	python3 - "$OUT/$1.json" "$2" "$3" "$wall" "$user" "$sys" "$N" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
label, calls, wall, user, sysc, n = sys.argv[2], sys.argv[3], *map(float, sys.argv[4:7]), int(sys.argv[7])
print(f"| {label} | {calls} | {r['samples']} | {r['fd']:.2f} | {r['precision']:.3f} | {r['recall']:.3f} | "
      f"{r['class_accuracy']:.3f} | {n / wall:.1f} | {n / (user + sysc):.1f} |")
PY
}
row teacher "teacher: DPM-Solver++(2M) 20 steps, guidance $GUIDANCE" 40
for s in 4 2 1; do row "student$s" "${label[$s]}" "$s"; done
if [ -f "$OUT/teacher.json" ]; then
	python3 - "$OUT/teacher.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"\nreal vs real at n = {r['floor_samples']}: FD {r['floor_fd']:.2f}, precision {r['floor_precision']:.3f}, "
      f"recall {r['floor_recall']:.3f}; classifier accuracy on as many real images {r['real_class_accuracy']:.3f}")
PY
fi
