#!/usr/bin/env bash
# profile.sh [REV]: where a bench-unet (or bench-text) training step and a
# sampling step spend their CPU time, from pprof, for the working tree or for
# commit REV. See README.md and docs/profile.md.
#
#   bench/profile.sh            # the working tree
#   bench/profile.sh main       # commit main, exported with git archive
#   MODEL=text BATCH=32 bench/profile.sh
#
# It runs BenchmarkTrainStep/batch=B (-benchtime TRAIN) and
# BenchmarkSampleForward/batch=B (-benchtime SAMPLE) with -cpuprofile and
# prints, for each, pprof's top functions by flat time and the flat time
# summed by op family (a function counts in the first family whose pattern
# it matches). The profiles stay in OUT.
#
# With MODEL=text it profiles models/transformer's BenchmarkTrain and
# BenchmarkSample (bench-text) instead.
#
# Environment: MODEL (unet or text, default unet), BATCH (default 64; text
# 32), TRAIN (default 3x), SAMPLE (default 10x), TOP (functions listed,
# default 15), OUT (default a new folder under /tmp, printed).
set -euo pipefail

MODEL=${MODEL:-unet}
case "$MODEL" in
unet) PKG=models/benchunet TRAINBENCH=TrainStep SAMPLEBENCH=SampleForward BATCH=${BATCH:-64} ;;
text) PKG=models/transformer TRAINBENCH=Train SAMPLEBENCH=Sample BATCH=${BATCH:-32} ;;
*) echo "profile.sh: MODEL: unknown model $MODEL (want unet, text)" >&2; exit 2 ;;
esac
TRAIN=${TRAIN:-3x}
SAMPLE=${SAMPLE:-10x}
TOP=${TOP:-15}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
SRC=$ROOT
if [ $# -ge 1 ]; then
	SRC=$OUT/src
	mkdir -p "$SRC"
	git -C "$ROOT" archive "$1" | tar -x -C "$SRC"
fi
(cd "$SRC" && go test -c -o "$OUT/unet.test" "./$PKG/")
echo "profiles in $OUT (source: ${1:-working tree})" >&2

# The families, in order: label and extended regular expression.
families=(
	"GEMM micro-kernel|gemmKernel"
	"GEMM packing of A and B|packA|packB|PackedA|packBTrans"
	"implicit-GEMM packing (conv columns from images)|convPanels|gatherRows"
	"Winograd transforms|[Ww]ino"
	"im2col / col2im|Im2col|Col2im|shiftPlane|im2col|col2im"
	"AddTo (col2im rows, gradient adds)|addTo|AddTo"
	"GroupNorm, LayerNorm, SiLU|[Nn]orm|[Ss]ilu|SiLU"
	"bias / shift adds and sums|addScalars|AddScalars|sum16|kernels\\.Sum"
	"attention (softmax, exp, batched matmul)|[Ss]oftmax|[Ee]xp|MatMul|Bmm|attention|scaleRow"
	"GELU, adaLN modulation|GELU|[Gg]elu|[Mm]odulate|GatedAdd"
	"optimizer|[Aa]dam"
	"memmove / memclr|runtime\\.memmove|runtime\\.memclr"
	"GC and runtime|runtime\\.|gcBgMark|scanobject"
)

# report NAME: pprof's top and the family sums of $OUT/NAME.prof.
report() {
	local prof=$OUT/$1.prof
	go tool pprof -top -nodecount="$TOP" "$OUT/unet.test" "$prof" 2>/dev/null | sed -n '/^Duration/p; /flat%/,$p'
	echo
	go tool pprof -top -nodecount=100000 -nodefraction=0 -edgefraction=0 "$OUT/unet.test" "$prof" 2>/dev/null |
		awk -v fams="$(printf '%s\n' "${families[@]}")" '
		function secs(v) { if (v ~ /ms$/) return substr(v, 1, length(v) - 2) / 1000; if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1e6; if (v ~ /s$/) return substr(v, 1, length(v) - 1) + 0; return 0 }
		BEGIN { n = split(fams, lines, "\n"); for (i = 1; i <= n; i++) { p = index(lines[i], "|"); label[i] = substr(lines[i], 1, p - 1); pat[i] = substr(lines[i], p + 1) } }
		/flat%/ { on = 1; next }
		on && NF >= 6 {
			name = $6; for (f = 7; f <= NF; f++) name = name " " $f
			s = secs($1); total += s; hit = 0
			for (i = 1; i <= n; i++) if (name ~ pat[i]) { sum[i] += s; hit = 1; break }
			if (!hit) other += s
		}
		END {
			printf "| op family | flat CPU s | share |\n| --- | --- | --- |\n"
			for (i = 1; i <= n; i++) printf "| %s | %.2f | %.1f%% |\n", label[i], sum[i], 100 * sum[i] / total
			printf "| other | %.2f | %.1f%% |\n| **total** | **%.2f** | |\n", other, 100 * other / total, total
		}'
}

cd "$ROOT/$PKG"
"$OUT/unet.test" -test.run XXX -test.bench "^Benchmark$TRAINBENCH\$/^batch=$BATCH\$" -test.benchtime "$TRAIN" \
	-test.cpuprofile "$OUT/train.prof" | grep '^Benchmark'
"$OUT/unet.test" -test.run XXX -test.bench "^Benchmark$SAMPLEBENCH\$/^batch=$BATCH\$" -test.benchtime "$SAMPLE" \
	-test.cpuprofile "$OUT/sample.prof" | grep '^Benchmark'
echo
echo "## training step, batch $BATCH ($TRAIN plus 2 untimed warm-up steps)"
report train
echo
echo "## sampling forward pass, batch $BATCH ($SAMPLE plus 2 untimed warm-up passes)"
report sample
