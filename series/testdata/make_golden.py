#!/usr/bin/python3
"""Writes golden.json: CSDI's own scores on random inputs, for metrics_golden_test.go.

Run from this directory with `/usr/bin/python3 make_golden.py` (Debian's python3-torch and
python3-numpy; written with torch 1.13 and numpy 1.24). quantile_loss, calc_denominator and
calc_quantile_CRPS are copied from CSDI's utils.py (github.com/ermongroup/CSDI, MIT licence);
MAE and RMSE of the median follow the evaluate() loop there (samples.median(dim=1)). Coverage
is not in CSDI: it is computed here with torch.quantile, ends included.
"""
import json

import numpy as np
import torch


# --- from CSDI utils.py (MIT licence) ---
def quantile_loss(target, forecast, q: float, eval_points) -> float:
    return 2 * torch.sum(
        torch.abs((forecast - target) * eval_points * ((target <= forecast) * 1.0 - q))
    )


def calc_denominator(target, eval_points):
    return torch.sum(torch.abs(target * eval_points))


def calc_quantile_CRPS(target, forecast, eval_points, mean_scaler, scaler):

    target = target * scaler + mean_scaler
    forecast = forecast * scaler + mean_scaler

    quantiles = np.arange(0.05, 1.0, 0.05)
    denom = calc_denominator(target, eval_points)
    CRPS = 0
    for i in range(len(quantiles)):
        q_pred = []
        for j in range(len(forecast)):
            q_pred.append(torch.quantile(forecast[j : j + 1], quantiles[i], dim=1))
        q_pred = torch.cat(q_pred, 0)
        q_loss = quantile_loss(target, q_pred, quantiles[i], eval_points)
        CRPS += q_loss / denom
    return CRPS.item() / len(quantiles)
# --- end of the CSDI code ---


def case(rng, b, s, l, k):
    target = torch.tensor(rng.normal(3, 2, (b, l, k)))
    offset = torch.tensor(rng.normal(0, 2, (b, 1, l, k)))  # each cell's samples miss by a different amount
    samples = target[:, None] + offset + torch.tensor(rng.normal(0, 1.5, (b, s, l, k)))
    mask = torch.tensor((rng.random((b, l, k)) < 0.6) * 1.0)
    crps = calc_quantile_CRPS(target, samples, mask, 0, 1)
    # In CSDI's quantile_loss, (target <= forecast) * 1.0 is a float32 tensor,
    # so the weight 1{x <= F^-1(q)} - q is rounded to float32 (relative
    # error ~1e-8). The same loss with the weight in float64:
    crps64 = 0.0
    for q in np.arange(0.05, 1.0, 0.05):
        qp = torch.quantile(samples, q, dim=1)
        w = (target <= qp).double() - q
        crps64 += (2 * torch.sum(torch.abs((qp - target) * mask * w)) / calc_denominator(target, mask)).item()
    crps64 /= 19
    med = samples.median(dim=1).values
    n = mask.sum().item()
    mae = (torch.abs((med - target) * mask)).sum().item() / n
    rmse = np.sqrt((((med - target) * mask) ** 2).sum().item() / n)
    cover = {}
    for name, lo, hi in (("cover50", 0.25, 0.75), ("cover90", 0.05, 0.95)):
        qlo = torch.quantile(samples, lo, dim=1)
        qhi = torch.quantile(samples, hi, dim=1)
        inside = ((qlo <= target) & (target <= qhi)) * mask
        cover[name] = inside.sum().item() / n
    return {
        "target": target.tolist(), "samples": samples.tolist(), "mask": mask.tolist(),
        "crps": crps, "crps64": crps64, "mae": mae, "rmse": rmse, **cover,
    }


rng = np.random.default_rng(20261203)
cases = [case(rng, 2, 10, 7, 3), case(rng, 3, 1, 5, 2), case(rng, 1, 9, 11, 4)]
with open("golden.json", "w") as f:
    json.dump({"torch": torch.__version__, "numpy": np.__version__, "cases": cases}, f)
    f.write("\n")
