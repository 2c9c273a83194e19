"""Writes rdkit_valence.tsv: for each element of the organic subset and each
formal charge from -3 to +3, the largest number of hydrogens n for which a
lone atom with n explicit hydrogens passes RDKit's SanitizeMol, i.e. the
largest valence RDKit allows ('-' when none). Run with Debian's python3-rdkit:

    /usr/bin/python3 rdkit_valence.py > rdkit_valence.tsv
"""
import rdkit
from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")


def sanitises(el, charge, n):
    m = Chem.RWMol()
    a = Chem.Atom(el)
    a.SetFormalCharge(charge)
    a.SetNumExplicitHs(n)
    a.SetNoImplicit(True)
    m.AddAtom(a)
    try:
        Chem.SanitizeMol(m)
    except Exception:
        return False
    return True


print("# RDKit %s; element, then the largest valence for charges -3..+3" % rdkit.__version__)
for el in ["B", "C", "N", "O", "F", "P", "S", "Cl", "Br", "I"]:
    row = [el]
    for c in range(-3, 4):
        ok = [n for n in range(16) if sanitises(el, c, n)]
        row.append(str(max(ok)) if ok else "-")
    print("\t".join(row))
