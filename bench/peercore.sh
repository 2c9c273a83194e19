# peercore.sh: sourced by the scripts that run PyTorch (compare.sh, gemm.sh,
# rss.sh). It sets OPENBLAS_CORETYPE, for every PyTorch process they start,
# to the fastest OpenBLAS kernels this CPU runs, so that the peer is PyTorch
# at its best on this machine:
#
#   SkylakeX  with AVX-512 (avx512f, avx512bw, avx512vl, avx512dq)
#   Haswell   with AVX2 and FMA
#
# Left alone, OpenBLAS picks its kernels from the CPU model (Debian 12's
# 0.3.21 picks Cooperlake on an AMD EPYC Zen 5, the SkylakeX kernels with
# bf16; a CPU newer than the OpenBLAS may fall back further). But an
# OPENBLAS_CORETYPE already in the environment wins, and some machines set
# Haswell for everything: on a 2-core AMD EPYC (Zen 5) torch.mm at n = 1024
# then ran 202 GFLOP/s against 389 with SkylakeX kernels, and bench-unet's
# training at batch 16 38.8 against 52.6 images/s. Such an environment
# value is replaced, with a message.
#
# PEER_CORE=NAME holds the peer to the core NAME instead (the AVX2
# comparison: PEER_CORE=Haswell); PEER_CORE=keep leaves the environment as
# it is.

# peer_core_for_cpu: the fastest OpenBLAS core for this CPU's flags, or
# nothing when neither applies (OpenBLAS then chooses).
peer_core_for_cpu() {
	local flags
	flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
	if [[ $flags == *" avx512f "* && $flags == *" avx512bw "* && $flags == *" avx512vl "* && $flags == *" avx512dq "* ]]; then
		echo SkylakeX
	elif [[ $flags == *" avx2 "* && $flags == *" fma "* ]]; then
		echo Haswell
	fi
}

case "${PEER_CORE:-}" in
keep) ;;
"")
	_core=$(peer_core_for_cpu)
	if [ -n "$_core" ]; then
		if [ -n "${OPENBLAS_CORETYPE:-}" ] && [ "$OPENBLAS_CORETYPE" != "$_core" ]; then
			echo "$(basename "$0"): the environment's OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE replaced by $_core," \
				"the fastest OpenBLAS kernels this CPU runs (PEER_CORE=$OPENBLAS_CORETYPE to keep it)" >&2
		fi
		export OPENBLAS_CORETYPE=$_core
	fi
	unset _core
	;;
*) export OPENBLAS_CORETYPE=$PEER_CORE ;;
esac
