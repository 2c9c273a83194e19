#!/bin/sh
# anomaly_table.sh regenerates the one-class Fashion-MNIST table of the
# feature scores in docs/anomaly.md. For each class it trains the
# one-class model (400 steps, configs/oneclass.yaml; skipped when the run
# folder has a checkpoint), caches the denoiser's probes of the reference,
# validation and test images (out/oneclass/probe-class-C.gob, checked bit
# for bit against anomaly.Detector.Features when written; skipped when
# present), then scores test images 0-999 with every score and the pixel
# baselines. Run from the repository root; pass classes as arguments to
# run only those (default: all ten):
#   sh bench/anomaly_table.sh            # the whole table
#   sh bench/anomaly_table.sh 0 5        # classes 0 and 5
# REF: reference images of the feature scores (default 1000); GRID: the
# pooling grid (default 2); TERMS: ELBO terms (default 6; -1 skips the
# ELBO and ELBO - PNG columns, which cost as much as the features).
set -e
classes=${*:-0 1 2 3 4 5 6 7 8 9}
ref=${REF:-1000}
go build -o bin/diffuse ./cmd/diffuse
go build -o bin/oneclass ./anomaly/internal/oneclass
for c in $classes; do
	if ! ls "out/oneclass/class-$c"/ckpt-*.safetensors >/dev/null 2>&1; then
		./bin/diffuse train --config configs/oneclass.yaml --classes "$c" --limit 5800 --out "out/oneclass/class-$c"
	fi
	if [ ! -f "out/oneclass/probe-class-$c.gob" ]; then
		./bin/oneclass -table probe -runs out/oneclass -classes "$c" -ref "$ref" -steps 100,250,400
	fi
done
list=$(echo "$classes" | tr ' ' ',')
./bin/oneclass -runs out/oneclass -classes "$list" -ref "$ref" -grid "${GRID:-2}" -terms "${TERMS:-6}" -best feat_ens |
	tee out/oneclass/features-table.md
