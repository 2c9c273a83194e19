#!/bin/sh
# Regenerates docs/serve/*.png: runs the browser test (needs Debian's
# chromium) with screenshots written into docs/serve.
set -eu
cd "$(dirname "$0")/.."
mkdir -p docs/serve
DIFFUSEGO_SERVE_SCREENSHOTS="$(pwd)/docs/serve" go test ./serve/ -run '^TestBrowser$' -count=1 -v -timeout 10m
