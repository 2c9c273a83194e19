#!/usr/bin/env bash
# guidance_sweep.sh OUT: the guidance sweep of the README's "Shipped model" section.
#
# Draws N guided samples (N = 2000 by default, 200 per class) of a class-conditional
# model at each guidance w in GUIDANCES with one sampler and seed, scores each folder
# with diffuse eval (FD, precision, recall, class accuracy, with the real-vs-real
# floor at the same count) and prints one Markdown table with the wall-clock and CPU
# seconds (user + system of the sample command) each folder took. w = 0 is the
# unconditional model alone (its images have no class, so no class accuracy), w = 1
# the plain conditional model (one network call per step), other w two calls.
#
# Every stage is skipped when its output is already there, so the script can be
# stopped and run again.
#
# Settings (environment): CHECKPOINT (the shipped model when empty), N (2000),
# GUIDANCES ("0 1 1.5 1.75 2 3 4"), SAMPLER (dpmpp2m), STEPS (20), SEED (1),
# BATCH (250), SIGMA_MAX (empty: the sampler's default), BIN (bin/diffuse).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/bin/diffuse}
OUT=${1:?usage: guidance_sweep.sh OUT}
N=${N:-2000}
GUIDANCES=${GUIDANCES:-0 1 1.5 1.75 2 3 4}
SAMPLER=${SAMPLER:-dpmpp2m}
STEPS=${STEPS:-20}
SEED=${SEED:-1}
BATCH=${BATCH:-250}
[ -x "$BIN" ] || { echo "guidance_sweep.sh: $BIN not found: run make build first" >&2; exit 1; }
command -v python3 >/dev/null || { echo "guidance_sweep.sh: python3 is needed to print the table" >&2; exit 1; }
mkdir -p "$OUT"
args=(--n "$N" --sampler "$SAMPLER" --steps "$STEPS" --seed "$SEED" --batch "$BATCH")
[ -n "${CHECKPOINT:-}" ] && args+=(--checkpoint "$CHECKPOINT")
[ -n "${SIGMA_MAX:-}" ] && args+=(--sigma-max "$SIGMA_MAX")
for w in $GUIDANCES; do
  d=$OUT/w$w
  if [ ! -f "$d/grid.png" ]; then
    rm -rf "$d"
    echo "sampling w=$w: $N images" >&2
    /usr/bin/time -f "%e %U %S" -o "$d.time" "$BIN" sample "${args[@]}" --guidance "$w" --out "$d" > "$d.log" 2>&1 \
      || { echo "guidance_sweep.sh: sampling w=$w failed, see $d.log" >&2; exit 1; }
  fi
  if [ ! -f "$d.json" ]; then
    "$BIN" eval --samples "$d" --out "$d.json" > "$d.eval" 2>&1 \
      || { echo "guidance_sweep.sh: eval w=$w failed, see $d.eval" >&2; exit 1; }
  fi
done
python3 - "$OUT" $GUIDANCES <<'PY'
import json, sys
out, ws = sys.argv[1], sys.argv[2:]
print("| guidance w | FD ↓ | precision ↑ | recall ↑ | class accuracy ↑ | s for the images (wall / CPU) |")
print("| --- | --- | --- | --- | --- | --- |")
floor = None
for w in ws:
    r = json.load(open(f"{out}/w{w}.json"))
    wall, user, sys_ = (float(x) for x in open(f"{out}/w{w}.time").read().split()[-3:])
    acc = r.get("class_accuracy")
    name = {"0": "0 (unconditional)", "1": "1 (conditional)"}.get(w, w)
    print(f"| {name} | {r['fd']:.2f} | {r['precision']:.3f} | {r['recall']:.3f} | "
          f"{'—' if acc is None else f'{acc:.3f}'} | {wall:.0f} / {user + sys_:.0f} |")
    floor = r
print(f"| real vs real ({floor['floor_samples']} and {floor['real_samples']} test images) | {floor['floor_fd']:.2f} | "
      f"{floor['floor_precision']:.3f} | {floor['floor_recall']:.3f} | {floor.get('real_class_accuracy', float('nan')):.3f} | |")
PY
