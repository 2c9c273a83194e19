#!/bin/sh
# train.sh trains the ten one-class models of docs/anomaly.md, one after
# the other, with the CLI built at bin/diffuse. Run from the repository root:
#   go build -o bin/diffuse ./cmd/diffuse && sh anomaly/internal/oneclass/train.sh
set -e
for c in 0 1 2 3 4 5 6 7 8 9; do
	./bin/diffuse train --config configs/oneclass.yaml --classes "$c" --limit 5800 --out "out/oneclass/class-$c"
done
