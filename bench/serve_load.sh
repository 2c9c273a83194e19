#!/bin/sh
# Regenerates the load table of docs/serve.md: CLIENTS concurrent clients
# each submit JOBS one-image sample jobs of STEPS steps on loopback, stream
# them and (every third client) cancel one; prints p50/p95 of the API calls,
# refusals by the bounded queue and images/s against the library call the
# CLI makes. Usage: bench/serve_load.sh [CLIENTS JOBS STEPS] (default 32 3 10).
set -eu
cd "$(dirname "$0")/.."
CLIENTS=${1:-32} JOBS=${2:-3} STEPS=${3:-10}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
DIFFUSEGO_SERVE_LOAD="$CLIENTS,$JOBS,$STEPS" go test ./serve/ -run '^TestLoad$' -count=1 -v -timeout 20m | grep -v '^=== RUN'
