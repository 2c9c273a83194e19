#!/bin/sh
# Makes the spoken-digit data set (package audio/digits): installs the
# Debian packages espeak-ng and sox when missing, then runs
# audio/internal/mkdigits, which speaks "zero" … "nine" with 500 espeak-ng
# voices, 4 clips each (20,000 clips of 1 s at 8 kHz, 16-bit mono), splits
# the voices into train/validation/test and writes manifest.csv.
#
#   audio/data/make-digits.sh [OUT_DIR] [SEED]     # defaults: out/digits 1
#
# Run from the repository root. espeak-ng runs at most two processes at a time.
set -eu
out="${1:-out/digits}"
seed="${2:-1}"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
missing=""
for p in espeak-ng sox; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "make-digits: installing$missing"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
fi
exec go run ./audio/internal/mkdigits -out "$out" -seed "$seed"
