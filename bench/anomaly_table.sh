#!/bin/sh
# anomaly_table.sh regenerates the one-class Fashion-MNIST table of the
# feature scores in docs/anomaly.md: it trains the ten one-class models
# (400 steps each, anomaly/internal/oneclass/train.sh; skipped for a class
# whose run folder already has a checkpoint) and scores test images
# 0-999 with every score and the pixel baselines. Run from the repository
# root; pass classes as arguments to run only those (default: all ten):
#   sh bench/anomaly_table.sh            # the whole table
#   sh bench/anomaly_table.sh 0 5        # classes 0 and 5
set -e
classes=${*:-0 1 2 3 4 5 6 7 8 9}
go build -o bin/diffuse ./cmd/diffuse
for c in $classes; do
	if ! ls "out/oneclass/class-$c"/ckpt-*.safetensors >/dev/null 2>&1; then
		./bin/diffuse train --config configs/oneclass.yaml --classes "$c" --limit 5800 --out "out/oneclass/class-$c"
	fi
done
list=$(echo "$classes" | tr ' ' ',')
# REF and TERMS: the reference images of the feature scores and the ELBO
# terms (-1 skips the ELBO and ELBO − PNG columns).
go run ./anomaly/internal/oneclass -runs out/oneclass -classes "$list" -ref "${REF:-500}" -terms "${TERMS:-6}" | tee out/oneclass/features-table.md
