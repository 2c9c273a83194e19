#!/usr/bin/env bash
# series_tables.sh: the diffusion-model tables of docs/series.md. Trains the
# CSDI model of diffuse series on Seattle weather (2012–2014; test year
# 2015) and on the monthly stock prices (2000–2007; test 2008-01 …
# 2010-03), then scores it with diffuse series eval beside the baselines on
# the same target cells:
#
#   imputation, weather 2015: 10%, 50%, 90% of the observed cells hidden at
#     random, and 7-day blocks covering 10% and 50%, in non-overlapping
#     windows of the model's length (mask seed 100, as the windowed table of
#     series/internal/mktable uses for its first seed);
#   forecasting: 7 and 30 days of weather, 6 months of stocks, from origins
#     every STRIDE rows of the test period.
#
# Each setting writes its Markdown table to $OUT/<setting>.md and a fan
# chart of its first window to $FANS/series-<setting>.png; $OUT/tables.md
# joins the tables. Settings run side by side (one process each).
#
# Environment: MINUTES (weather training budget, default 30), STOCK_MINUTES
# (default 12), SKIP_TRAIN=1 (score the models already in $OUT/weather and
# $OUT/stocks), N (samples per cell, default 100), STEPS (denoising steps,
# 0 = all 50, default 0), STRIDE7 / STRIDE30 / STRIDE6 (rows between
# forecast origins, default the horizon), OUT (default out/series-tables),
# FANS (default docs/img), DIFFUSE (a diffuse binary to use instead of
# building one).
set -euo pipefail

MINUTES=${MINUTES:-30}
STOCK_MINUTES=${STOCK_MINUTES:-12}
N=${N:-100}
STEPS=${STEPS:-0}
STRIDE7=${STRIDE7:-7}
STRIDE30=${STRIDE30:-30}
STRIDE6=${STRIDE6:-6}
OUT=${OUT:-out/series-tables}
FANS=${FANS:-docs/img}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mkdir -p "$OUT" "$FANS"
D=${DIFFUSE:-$OUT/diffuse}
if [ -z "${DIFFUSE:-}" ]; then
	go build -o "$D" ./cmd/diffuse
fi
W=series/testdata/seattle-weather.csv
S=series/testdata/stocks.csv

if [ -z "${SKIP_TRAIN:-}" ]; then
	"$D" series train --data "$W" --test-from 2015-01-01 --window 42 --max-horizon 30 \
		--minutes "$MINUTES" --log-every 50 --checkpoint-every 200 --out "$OUT/weather" >"$OUT/weather.log" 2>&1 &
	weather=$!
	"$D" series train --data "$S" --id symbol --test-from 2008-01-01 --window 24 --max-horizon 6 \
		--minutes "$STOCK_MINUTES" --log-every 50 --checkpoint-every 200 --out "$OUT/stocks" >"$OUT/stocks.log" 2>&1 &
	stocks=$!
	wait "$weather" "$stocks"
	tail -n 1 "$OUT/weather.log" "$OUT/stocks.log"
fi

sample=(--n "$N" --steps "$STEPS" --seed 1)
weather=(series eval --model "$OUT/weather" --data "$W" --test-from 2015-01-01 --mask-seed 100 "${sample[@]}")
stocks=(series eval --model "$OUT/stocks" --data "$S" --id symbol --test-from 2008-01-01 "${sample[@]}")
declare -A settings=(
	[random10]="${weather[*]} --mask random --frac 0.1 --column temp_max"
	[random50]="${weather[*]} --mask random --frac 0.5 --column temp_max"
	[random90]="${weather[*]} --mask random --frac 0.9 --column temp_max"
	[block10]="${weather[*]} --mask block --block 7 --frac 0.1 --column temp_max"
	[block50]="${weather[*]} --mask block --block 7 --frac 0.5 --column temp_max"
	[forecast7]="${weather[*]} --mask forecast --horizon 7 --stride $STRIDE7 --periods 7,365,1 --ar-max 14 --column temp_max"
	[forecast30]="${weather[*]} --mask forecast --horizon 30 --stride $STRIDE30 --periods 7,365,1 --ar-max 14 --column temp_max"
	[stocks6]="${stocks[*]} --mask forecast --horizon 6 --stride $STRIDE6 --periods 12,1 --ar-max 6 --column AAPL"
)
order=(random10 random50 random90 block10 block50 forecast7 forecast30 stocks6)
pids=()
for name in "${order[@]}"; do
	# shellcheck disable=SC2086 # the settings are word lists
	"$D" ${settings[$name]} --fan "$FANS/series-$name.png" >"$OUT/$name.md" 2>"$OUT/$name.err" &
	pids+=($!)
done
status=0
for i in "${!order[@]}"; do
	if ! wait "${pids[$i]}"; then
		echo "series_tables: ${order[$i]} failed: $(cat "$OUT/${order[$i]}.err")" >&2
		status=1
	fi
done
for name in "${order[@]}"; do
	echo "### $name"
	echo
	cat "$OUT/$name.md"
	echo
done >"$OUT/tables.md"
cat "$OUT/tables.md"
exit "$status"
