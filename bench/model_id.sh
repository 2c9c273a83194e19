# model_id.sh: sourced by bench scripts (it needs BIN set).
#
# model_id names the model samples come from by its SHA-256: the file
# $1, the newest checkpoint of the run folder $1, or (no $1) the model
# built into BIN, so that a rebuilt binary or a retrained model is told
# apart from the one an OUT folder's results came from.
model_id() {
	local m=${1:-}
	if [ -z "$m" ]; then
		"$BIN" info | awk '$1 == "shipped" { print "shipped " $NF }'
		return
	fi
	[ -d "$m" ] && m=$(ls "$m"/ckpt-*.safetensors | sort | tail -n 1)
	echo "$1 $(sha256sum "$m" | cut -d' ' -f1)"
}
