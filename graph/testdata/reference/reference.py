# Reference values for graph/reference_test.go, computed the way GDSS's
# evaluation/stats.py and evaluation/mmd.py compute them (GDSS commit
# 24cc490e0c5b39cbd265fda33ab2bc8b528d4454), from a.json and b.json:
#   degree:     nx.degree_histogram, normalised; gaussian_emd, sigma 1
#   clustering: np.histogram(nx.clustering, bins=100, range=(0, 1)),
#               normalised; gaussian_emd, sigma 0.1, distance_scaling 100
#   orbit:      ORCA "node 4" counts summed over nodes / n; gaussian (L2),
#               sigma 30, and gaussian_tv, sigma 30
#   spectral:   eigvalsh of nx.normalized_laplacian_matrix, np.histogram with
#               200 bins on (-1e-5, 2), normalised; gaussian_emd, sigma 1
#   MMD²:       compute_mmd (biased: means over all pairs)
# pyemd is replaced by scipy.stats.wasserstein_distance over bins 0..n-1,
# the same transport in one dimension.
# Also writes orca_b.txt: ORCA's per-node counts for every graph of b.json,
# one block per graph.
# Run: python3 reference.py PATH/TO/orca > values.json
#   (Debian 12: python3-numpy 1.24.2, python3-networkx 2.8.8, python3-scipy
#   1.10.1; orca.cpp from GDSS's evaluation/orca, g++ -O2)
import json, os, subprocess, sys, tempfile
import networkx as nx
import numpy as np
from scipy.linalg import eigvalsh
from scipy.stats import wasserstein_distance

orca_bin = sys.argv[1]

def load(path):
    gs = []
    for d in json.load(open(path)):
        g = nx.Graph()
        g.add_nodes_from(n["id"] for n in d["nodes"])
        g.add_edges_from((e["source"], e["target"]) for e in d["edges"])
        gs.append(g)
    return gs

def pad(x, y):
    n = max(len(x), len(y))
    return np.pad(x, (0, n - len(x))), np.pad(y, (0, n - len(y)))

def gaussian_emd(x, y, sigma, scale):
    x, y = pad(np.asarray(x, float), np.asarray(y, float))
    s = np.arange(len(x))
    d = wasserstein_distance(s, s, x, y) / scale
    return np.exp(-d * d / (2 * sigma * sigma))

def gaussian(x, y, sigma):
    d = np.linalg.norm(x - y)
    return np.exp(-d * d / (2 * sigma * sigma))

def gaussian_tv(x, y, sigma):
    d = np.abs(x - y).sum() / 2
    return np.exp(-d * d / (2 * sigma * sigma))

def mmd(a, b, k):
    disc = lambda p, q: sum(k(s, t) for s in p for t in q) / (len(p) * len(q))
    return disc(a, a) + disc(b, b) - 2 * disc(a, b)

def orca(g):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("%d %d\n" % (g.number_of_nodes(), g.number_of_edges()))
        for u, v in g.edges():
            f.write("%d %d\n" % (u, v))
    out = subprocess.check_output([orca_bin, "node", "4", f.name, "std"]).decode()
    os.remove(f.name)
    out = out[out.find("orbit counts: \n") + len("orbit counts: \n"):]
    return np.array([list(map(int, l.split())) for l in out.strip("\n").split("\n")])

a, b = load("a.json"), load("b.json")
deg = lambda gs: [np.array(nx.degree_histogram(g), float) / g.number_of_nodes() for g in gs]
def clus(gs):
    out = []
    for g in gs:
        h, _ = np.histogram(list(nx.clustering(g).values()), bins=100, range=(0.0, 1.0))
        out.append(h / h.sum())
    return out
def spec(gs):
    out = []
    for g in gs:
        eigs = eigvalsh(nx.normalized_laplacian_matrix(g).todense())
        h, _ = np.histogram(eigs, bins=200, range=(-1e-5, 2), density=False)
        out.append(h / h.sum())
    return out
ca, cb = [orca(g) for g in a], [orca(g) for g in b]
oa = [c.sum(axis=0) / c.shape[0] for c in ca]
ob = [c.sum(axis=0) / c.shape[0] for c in cb]
with open("orca_b.txt", "w") as f:
    f.write("\n".join("\n".join(" ".join(map(str, row)) for row in c) + "\n" for c in cb))
json.dump({
    "degree": mmd(deg(a), deg(b), lambda x, y: gaussian_emd(x, y, 1.0, 1.0)),
    "clustering": mmd(clus(a), clus(b), lambda x, y: gaussian_emd(x, y, 0.1, 100.0)),
    "orbit": mmd(oa, ob, lambda x, y: gaussian(x, y, 30.0)),
    "orbit_tv": mmd(oa, ob, lambda x, y: gaussian_tv(x, y, 30.0)),
    "spectral": mmd(spec(a), spec(b), lambda x, y: gaussian_emd(x, y, 1.0, 1.0)),
}, sys.stdout, indent=1)
print()
