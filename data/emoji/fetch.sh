#!/usr/bin/env bash
# fetch.sh DIR: the emoji data set in DIR (default out/emoji), from the npm
# packages emoji-datasource-google@16.0.0 (Noto Emoji images, Apache-2.0)
# and emoji-datasource-twitter@16.0.0 (Twemoji images, CC-BY 4.0), both
# packaged by iamcal/emoji-data (MIT) with emoji.json (names, short names,
# category, subcategory). Versions are pinned so every checkout trains on
# the same pictures. Keeps, per style, the 64×64 PNGs, emoji.json and the
# package's LICENSE and README.md (which states the images' licences):
#
#   DIR/google/64/*.png   DIR/google/emoji.json   DIR/google/LICENSE   DIR/google/README.md
#   DIR/twitter/64/*.png  DIR/twitter/emoji.json  DIR/twitter/LICENSE  DIR/twitter/README.md
#
# Needs npm (Debian package npm). Idempotent: a style already present is kept.
set -euo pipefail
dir="${1:-out/emoji}"
version=16.0.0
mkdir -p "$dir"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for style in google twitter; do
	if [ -f "$dir/$style/emoji.json" ] && [ -d "$dir/$style/64" ]; then
		echo "emoji: $dir/$style present"
		continue
	fi
	pkg="emoji-datasource-$style@$version"
	echo "emoji: npm pack $pkg"
	(cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
	tgz="$tmp/emoji-datasource-$style-$version.tgz"
	mkdir -p "$tmp/$style"
	tar -xzf "$tgz" -C "$tmp/$style" package/emoji.json package/LICENSE package/README.md "package/img/$style/64"
	rm -rf "${dir:?}/$style.part"
	mkdir -p "$dir/$style.part"
	mv "$tmp/$style/package/img/$style/64" "$dir/$style.part/64"
	mv "$tmp/$style/package/emoji.json" "$tmp/$style/package/LICENSE" "$tmp/$style/package/README.md" "$dir/$style.part/"
	rm -rf "${dir:?}/$style"
	mv "$dir/$style.part" "$dir/$style" # whole or absent
	echo "emoji: $dir/$style: $(ls "$dir/$style/64" | wc -l) images"
done
