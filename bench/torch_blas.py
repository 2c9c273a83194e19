"""Which BLAS PyTorch really runs its GEMMs on: prints "openblas CORE PATH"
and exits 0, or prints "reference PATH" (or "no-torch ERROR") and exits 1.

Debian's python3-torch calls whatever libblas.so.3 resolves to. With
libopenblas0-pthread that is OpenBLAS; without it, the reference BLAS
(libblas3), about 40x slower for torch.mm, Linear layers and attention.
This asks the libblas.so.3 that torch itself loaded, which is stricter than
looking for any OpenBLAS in the process: OpenBLAS can be loaded as LAPACK
while torch's GEMMs still go to the reference BLAS.

Used by .ci/deps (`make deps`) and bench/compare.sh.
"""

import ctypes
import sys

try:
    import torch  # noqa: F401  (loads libblas.so.3 the way the benchmarks do)
except ImportError as err:
    print("no-torch %s" % err)
    sys.exit(1)

path = "unknown"
with open("/proc/self/maps") as maps:
    for line in maps:
        if "/libblas.so" in line:
            path = line.split()[-1]
            break
try:
    corename = ctypes.CDLL("libblas.so.3").openblas_get_corename
except (OSError, AttributeError):
    print("reference " + path)
    sys.exit(1)
corename.restype = ctypes.c_char_p
print("openblas %s %s" % (corename().decode(), path))
