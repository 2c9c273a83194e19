#!/bin/sh
# Regenerates the mel-route tables of docs/audio.md: trains the mel model
# (diffuse audio train --task mel; unless SKIP_TRAIN=1 and the run exists),
# then measures class accuracy and FD of guided samples on the held-out
# voices against the real-vs-real floor, the vocoder's ceiling (real clips
# through mel → Griffin–Lim) and the class-mean baseline, and the sampling
# cost of each sampler (go run ./audio/internal/mkmeltable), draws
# docs/img/audio-mel-samples.png and writes one sample per digit to
# docs/audio-mel-samples/.
#
#   bench/audio_mel_table.sh                       # the budget of docs/audio.md
#   STEPS=1400 BATCH=16 MINUTES=40 PER_DIGIT=50 DATA=out/digits1 PER_CLIP=1 bench/audio_mel_table.sh
#   SKIP_TRAIN=1 CKPT=out/runs/mel/ckpt-003500.safetensors bench/audio_mel_table.sh
#
# Run from the repository root. The data set is made first if missing
# (PER_CLIP=4: the 20,000-clip set; PER_CLIP=1 makes 5,000 clips, whose 500
# test clips allow at most PER_DIGIT=50). The training runs on one core
# (GOMAXPROCS=1). The table is made in parts (the baselines once, then each
# guidance weight, then the sampling cost), each part's CPU time printed to
# $OUT.log, so that a part can be rerun alone.
set -eu
DATA="${DATA:-out/digits}"
PER_CLIP="${PER_CLIP:-4}"
RUN="${RUN:-out/runs/mel20k}"
MINUTES="${MINUTES:-85}"     # wall-clock budget of the training run
STEPS="${STEPS:-5500}"       # steps (the cosine schedule spans them)
BATCH="${BATCH:-32}"
PER_DIGIT="${PER_DIGIT:-100}" # guided samples per digit (the issue asks 100)
GUIDANCE="${GUIDANCE:-3,5,1}"
RTF_SAMPLERS="${RTF_SAMPLERS:-ddim,dpmpp2m,euler,heun,ddpm,vp-sde,vp-pc,ve-sde,ve-pc,pf-ode}"
CKPT="${CKPT:-$RUN}"         # the checkpoint scored (a run folder: its newest)
OUT="${OUT:-out/audio-mel-table.md}"

if [ ! -f "$DATA/manifest.csv" ]; then
	go run ./audio/internal/mkdigits -out "$DATA" -seed 1 -per-digit "$PER_CLIP"
fi
go build -o bin/diffuse ./cmd/diffuse
go build -o bin/mkmeltable ./audio/internal/mkmeltable
if [ "${SKIP_TRAIN:-0}" != 1 ]; then
	mkdir -p "$(dirname "$RUN")"
	GOMAXPROCS=1 bin/diffuse audio train --task mel --data "$DATA" --out "$RUN" --steps "$STEPS" --minutes "$MINUTES" \
		--batch "$BATCH" --lr 7e-4 --warmup 200 --weight-decay 0.01 --ema 0.999 --log-every 20 \
		--checkpoint-every 250 --keep 0 --seed 1 > "$RUN.log" 2>&1
fi
: > "$OUT"
: > "$OUT.log"
part() {
	/usr/bin/time -a -o "$OUT.log" -f "$* : %U s user, %S s system, %e s wall" bin/mkmeltable -data "$DATA" -mel "$CKPT" \
		-per-digit "$PER_DIGIT" "$@" >> "$OUT" 2>> "$OUT.log"
}
part -guidance "" -rtf-samplers "" -img ""
first=1
for g in $(echo "$GUIDANCE" | tr , ' '); do
	if [ "$first" = 1 ]; then # the first weight's samples are drawn and written as WAV
		part -baselines=false -guidance "$g" -rtf-samplers "" -img docs/img/audio-mel-samples.png -wavs docs/audio-mel-samples
		first=0
	else
		part -baselines=false -guidance "$g" -rtf-samplers "" -img ""
	fi
done
part -baselines=false -guidance "" -rtf-samplers "$RTF_SAMPLERS" -img ""
cat "$OUT"
