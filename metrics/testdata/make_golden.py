#!/usr/bin/env python3
"""Writes golden.json: reference values for the metrics tests.

Run from this directory with `python3 make_golden.py`. Needs only numpy.
Every input is drawn here from a fixed numpy seed, rounded to float32 (the
Go tensors' type) and stored next to the value it gives, so the Go tests
read inputs and answers from one file. Each reference is computed a
different way from the Go code, so agreement checks the method, not just
the arithmetic:

- SSIM: 2-D valid correlation with the 11x11 Gaussian window (outer
  product, sigma 1.5, normalised) via sliding windows, following
  skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5,
  use_sample_covariance=False, data_range=L): per-channel mean of the
  cropped SSIM map, then the channel mean.
- PSNR: 10 log10(L^2 / MSE) over all elements.
- Frechet distance: tr sqrt(S1 S2) as the sum of square roots of the
  eigenvalues of the non-symmetric product S1 @ S2 (numpy.linalg.eigvals),
  covariances with ddof=1 (numpy.cov's default, as pytorch-fid).
- Precision/recall: the k-th neighbour radius as index k of each row of the
  full distance matrix partitioned with numpy.partition (index 0 is the
  point itself), as in Kynkaenniemi et al.'s reference code.
- AUROC: the fraction of (positive, negative) pairs ordered correctly,
  ties counting one half, by brute force.
"""
import json
import numpy as np

rng = np.random.default_rng(20260124)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def gauss2d(size=11, sigma=1.5):
    r = size // 2
    k = np.arange(-r, r + 1, dtype=np.float64)
    g = np.exp(-k * k / (2 * sigma * sigma))
    g /= g.sum()
    return np.outer(g, g)


def filt(img, win):
    v = np.lib.stride_tricks.sliding_window_view(img, win.shape)
    return np.einsum("ijkl,kl->ij", v, win)


def ssim_channel(x, y, L):
    win = gauss2d()
    c1, c2 = (0.01 * L) ** 2, (0.03 * L) ** 2
    ux, uy = filt(x, win), filt(y, win)
    vx = filt(x * x, win) - ux * ux
    vy = filt(y * y, win) - uy * uy
    vxy = filt(x * y, win) - ux * uy
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux**2 + uy**2 + c1) * (vx + vy + c2))
    return s.mean()


def ssim_image(x, y, L):  # x, y: (C, H, W)
    return float(np.mean([ssim_channel(x[c], y[c], L) for c in range(x.shape[0])]))


def psnr(x, y, L):
    return float(10 * np.log10(L * L / np.mean((x - y) ** 2)))


def frechet(a, b):
    m1, m2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    ev = np.linalg.eigvals(s1 @ s2)
    tr = np.sum(np.sqrt(np.clip(ev.real, 0, None)))
    return float(np.sum((m1 - m2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * tr)


def prec_rec(real, fake, k):
    def dist(a, b):
        return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))

    rr = np.partition(dist(real, real), k, axis=1)[:, k]
    rf = np.partition(dist(fake, fake), k, axis=1)[:, k]
    d = dist(fake, real)  # (fake, real)
    precision = np.mean((d <= rr[None, :]).any(1))
    recall = np.mean((d.T <= rf[None, :]).any(1))
    return float(precision), float(recall)


def auroc(scores, labels):
    pos = scores[labels]
    neg = scores[~labels]
    gt = (pos[:, None] > neg[None, :]).sum()
    eq = (pos[:, None] == neg[None, :]).sum()
    return float((gt + 0.5 * eq) / (len(pos) * len(neg)))


out = {"numpy": np.__version__, "script": "make_golden.py"}

# SSIM and PSNR: a colour batch in [-1, 1] with structure (a smooth image
# plus noise), odd sizes, and a grey 28x28 pair.
cases = []
n, c, h, w = 2, 3, 16, 13
yy, xx = np.mgrid[0:h, 0:w]
base = np.sin(xx / 3.0)[None, None] * np.cos(yy / 4.0)[None, None]
ref = f32(np.clip(base + 0.3 * rng.standard_normal((n, c, h, w)), -1, 1))
x = f32(np.clip(ref + 0.2 * rng.standard_normal((n, c, h, w)), -1, 1))
cases.append({"name": "colour-16x13", "shape": [n, c, h, w], "x": x.ravel().tolist(),
              "ref": ref.ravel().tolist(), "range": 2.0,
              "ssim_per_image": [ssim_image(x[i], ref[i], 2.0) for i in range(n)],
              "psnr": psnr(x, ref, 2.0)})
ref = f32(rng.integers(0, 256, (1, 1, 28, 28)))
x = f32(np.clip(ref + rng.normal(0, 25, ref.shape).round(), 0, 255))
cases.append({"name": "grey-28x28-8bit", "shape": [1, 1, 28, 28], "x": x.ravel().tolist(),
              "ref": ref.ravel().tolist(), "range": 255.0,
              "ssim_per_image": [ssim_image(x[0], ref[0], 255.0)],
              "psnr": psnr(x, ref, 255.0)})
out["image"] = cases

# Frechet distance: correlated Gaussians with different means and covariances.
d = 6
A = rng.standard_normal((d, d))
B = rng.standard_normal((d, d))
a = f32(rng.standard_normal((200, d)) @ A + 0.5)
b = f32(rng.standard_normal((150, d)) @ B - 0.2)
out["frechet"] = {"d": d, "a": a.ravel().tolist(), "b": b.ravel().tolist(), "fd": frechet(a, b)}

# Precision and recall, k = 3: two overlapping clouds of different spread.
real = f32(rng.standard_normal((120, 5)))
fake = f32(1.5 * rng.standard_normal((90, 5)) + 0.7)
p, r = prec_rec(real, fake, 3)
out["precrec"] = {"d": 5, "k": 3, "real": real.ravel().tolist(), "fake": fake.ravel().tolist(),
                  "precision": p, "recall": r}

# AUROC with many ties: scores rounded to one decimal.
s = np.round(rng.standard_normal(300), 1)
lab = rng.random(300) < 0.4
s[lab] += 0.5
s = f32(s)
out["auroc"] = {"scores": s.tolist(), "labels": lab.tolist(), "auroc": auroc(s, lab)}

with open("golden.json", "w") as f:
    json.dump(out, f)
print("wrote golden.json with numpy", np.__version__)
