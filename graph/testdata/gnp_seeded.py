# Writes gnp_seeded.edges: networkx's gnp_random_graph(c, 0.7, seed=s) for
# c = 6..10 and s = 0, 1, in the edge-list format, one graph per block.
# networkx draws one random.Random(s).random() per pair of
# itertools.combinations(range(c), 2) and keeps the pair when it is < p;
# this reproduces it with the standard library (checked against networkx
# 2.8.8 for these ten graphs, and against all 100 graphs of GDSS's
# data/community_small.pkl).
# Run: python3 gnp_seeded.py > gnp_seeded.edges   (CPython 3.11)
import itertools
import random

blocks = []
for c in range(6, 11):
    for s in (0, 1):
        r = random.Random(s)
        edges = [e for e in itertools.combinations(range(c), 2) if r.random() < 0.7]
        lines = ["# gnp_random_graph(%d, 0.7, seed=%d)" % (c, s), str(c - 1)]
        lines += ["%d %d" % e for e in edges]
        blocks.append("\n".join(lines))
print("\n\n".join(blocks))
