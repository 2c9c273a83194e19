"""Compares this package with RDKit on RDKit's NCI sample set.

    go test ./graph/molecule -run NCIRoundTrip -nci-out /tmp/ours.tsv
    /usr/bin/python3 graph/molecule/testdata/rdkit_compare.py /tmp/ours.tsv

Needs Debian's python3-rdkit (run with /usr/bin/python3). For every line it
reports: molecules we refuse that RDKit reads (by kind), molecules RDKit
refuses that we read, canonical strings of ours that RDKit reads as another
molecule than the input, and whether our canonical strings split or merge
RDKit's (stereo ignored: isomericSmiles=False).
"""
import sys

import rdkit
from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
we_refuse, they_refuse, other, ours_to_rd, rd_to_ours = {}, [], [], {}, {}
for line, inp, ours, kind in rows:
    m = Chem.MolFromSmiles(inp)
    if ours == "ERR":
        if m is not None:
            we_refuse[kind] = we_refuse.get(kind, 0) + 1
        continue
    if m is None:
        they_refuse.append((line, inp))
        continue
    rd = Chem.MolToSmiles(m, isomericSmiles=False)
    back = Chem.MolFromSmiles(ours)
    if back is None or Chem.MolToSmiles(back, isomericSmiles=False) != rd:
        other.append((line, inp, ours))
    ours_to_rd.setdefault(ours, set()).add(rd)
    rd_to_ours.setdefault(rd, set()).add(ours)
print("RDKit", rdkit.__version__, "lines", len(rows))
print("we refuse, RDKit reads:", we_refuse)
print("RDKit refuses, we read:", len(they_refuse), they_refuse[:5])
print("our canonical read by RDKit as another molecule:", len(other), other[:5])
print("our canonical strings covering several RDKit ones:", sum(len(v) > 1 for v in ours_to_rd.values()))
print("RDKit canonical strings split among several of ours:", sum(len(v) > 1 for v in rd_to_ours.values()))
