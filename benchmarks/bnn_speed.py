"""Samples per second for one epoch of a 784-512-512-10 binarized network, batch 64.

Three implementations of the same arithmetic on the same random MNIST-shaped data
(pixels in [-1, 1], one-hot targets, MSE, lr 0.01, STE window t = 1, latent weights
clipped to [-1, 1]):

  tutor     backprop_tutor.engine.epochs.train_batch (the ops' own rules, whole-batch numpy)
  numpy     a hand-written numpy loop doing the same operations inline
  torch     the same loop written with torch tensors on the CPU (if torch is installed)

    python benchmarks/bnn_speed.py [--samples 60000] [--repeat 3] [--threads N]

The figure reported for each is the best of --repeat epochs (after one warm-up batch).
The goal: the tutor no more than 15% slower than the hand-written numpy loop.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

WIDTHS = (784, 512, 512, 10)
BATCH = 64
LR = 0.01
T = 1.0


def make_data(samples: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(samples, 784)).astype(float) / 255.0 * 2 - 1
    labels = rng.integers(0, 10, size=samples)
    y = np.zeros((samples, 10))
    y[np.arange(samples), labels] = 1.0
    return x, y


def init_params(seed: int = 0):
    rng = np.random.default_rng(seed)
    p = {}
    for l in range(3):
        p[f"W{l + 1}"] = rng.uniform(-0.1, 0.1, (WIDTHS[l], WIDTHS[l + 1]))
        p[f"b{l + 1}"] = np.zeros(WIDTHS[l + 1])
    return p


def epoch_tutor(params, x, y, order):
    from backprop_tutor.engine.epochs import Net, train_batch
    from backprop_tutor.ops import ACTIVATIONS, LOSSES, SignSTE

    net = Net(["binary_linear", "binary_linear", "linear"], [SignSTE(T), SignSTE(T), ACTIVATIONS["identity"]()],
              LOSSES["mse"](), clip=1.0)
    sat, work = [0.0, 0.0], {}
    for k in range(0, len(order), BATCH):
        idx = order[k:k + BATCH]
        train_batch(net, params, x[idx], y[idx], LR, sat, work)


def sgn(x):
    out = (x >= 0).astype(float)
    out *= 2.0
    out -= 1.0
    return out


def sgn_where(x):
    return np.where(x >= 0, 1.0, -1.0)


def epoch_numpy(p, x, y, order, sgn=sgn):
    """The same arithmetic, written out by hand."""
    sat1 = sat2 = 0.0
    for k in range(0, len(order), BATCH):
        idx = order[k:k + BATCH]
        xb, yb = x[idx], y[idx]
        wb1 = sgn(p["W1"])
        wb2 = sgn(p["W2"])
        z1 = xb @ wb1 + p["b1"]
        a1 = sgn(z1)
        z2 = a1 @ wb2 + p["b2"]
        a2 = sgn(z2)
        out = a2 @ p["W3"] + p["b3"]
        m, n = out.shape
        _loss = ((out - yb) ** 2).sum() / (m * n)
        g3 = 2.0 * (out - yb) / (m * n)
        ga2 = g3 @ p["W3"].T
        gw3, gb3 = a2.T @ g3, g3.sum(axis=0)
        m2 = np.abs(z2) <= T
        sat2 += 1 - np.count_nonzero(m2) / m2.size
        gz2 = ga2 * m2
        ga1 = gz2 @ wb2.T
        gw2, gb2 = a1.T @ gz2, gz2.sum(axis=0)
        m1 = np.abs(z1) <= T
        sat1 += 1 - np.count_nonzero(m1) / m1.size
        gz1 = ga1 * m1
        gw1, gb1 = xb.T @ gz1, gz1.sum(axis=0)
        for name, g in (("W1", gw1), ("W2", gw2)):
            p[name] -= LR * g
            np.clip(p[name], -1.0, 1.0, out=p[name])
        p["W3"] -= LR * gw3
        p["b1"] -= LR * gb1
        p["b2"] -= LR * gb2
        p["b3"] -= LR * gb3


def epoch_torch(torch, p, x, y, order):
    def sgn(t):
        return (t >= 0).to(t.dtype) * 2 - 1

    with torch.no_grad():
        for k in range(0, len(order), BATCH):
            idx = order[k:k + BATCH]
            xb, yb = x[idx], y[idx]
            wb1 = sgn(p["W1"])
            wb2 = sgn(p["W2"])
            z1 = xb @ wb1 + p["b1"]
            a1 = sgn(z1)
            z2 = a1 @ wb2 + p["b2"]
            a2 = sgn(z2)
            out = a2 @ p["W3"] + p["b3"]
            m, n = out.shape
            g3 = 2.0 * (out - yb) / (m * n)
            ga2 = g3 @ p["W3"].T
            gw3, gb3 = a2.T @ g3, g3.sum(0)
            gz2 = ga2 * (z2.abs() <= T)
            ga1 = gz2 @ wb2.T
            gw2, gb2 = a1.T @ gz2, gz2.sum(0)
            gz1 = ga1 * (z1.abs() <= T)
            gw1, gb1 = xb.T @ gz1, gz1.sum(0)
            p["W1"].sub_(LR * gw1).clamp_(-1, 1)
            p["W2"].sub_(LR * gw2).clamp_(-1, 1)
            p["W3"].sub_(LR * gw3)
            p["b1"].sub_(LR * gb1)
            p["b2"].sub_(LR * gb2)
            p["b3"].sub_(LR * gb3)


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=60000, help="samples in one epoch (MNIST: 60000)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = ap.parse_args()
    x, y = make_data(args.samples)
    order = np.random.default_rng(1).permutation(args.samples)
    results = {}

    # the same starting weights, and the same final weights, prove the same arithmetic
    p_tutor, p_numpy = init_params(), init_params()
    epoch_tutor(p_tutor, x, y, order[:BATCH * 4])
    epoch_numpy(p_numpy, x, y, order[:BATCH * 4])
    same = all(np.allclose(p_tutor[k], p_numpy[k], atol=1e-12) for k in p_tutor)

    p = init_params()
    results["tutor (engine.epochs.train_batch)"] = best_of(lambda: epoch_tutor(p, x, y, order), args.repeat)
    p = init_params()
    results["hand-written numpy loop"] = best_of(lambda: epoch_numpy(p, x, y, order), args.repeat)
    p = init_params()
    results["hand loop, sign by np.where"] = best_of(lambda: epoch_numpy(p, x, y, order, sgn_where), args.repeat)
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        if args.threads:
            torch.set_num_threads(args.threads)
        tp = {k: torch.tensor(v, dtype=torch.float64) for k, v in init_params().items()}
        tx, ty = torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
        torder = torch.tensor(order)
        results[f"torch {torch.__version__} CPU float64"] = best_of(lambda: epoch_torch(torch, tp, tx, ty, torder),
                                                                      args.repeat)
        tp32 = {k: v.float() for k, v in tp.items()}
        tx32, ty32 = tx.float(), ty.float()
        results[f"torch {torch.__version__} CPU float32"] = best_of(
            lambda: epoch_torch(torch, tp32, tx32, ty32, torder), args.repeat)

    print(f"one epoch of a 784-512-512-10 binarized network, batch {BATCH}, {args.samples} random samples, "
          f"numpy {np.__version__}, {os.cpu_count()} CPUs; best of {args.repeat}")
    print(f"tutor and hand-written loop give the same weights after 4 batches: {same}")
    base = results["hand-written numpy loop"]
    for name, sec in results.items():
        print(f"  {name:<36} {args.samples / sec:10.0f} samples/s  ({sec:.2f} s, {sec / base:.2f}x the numpy loop)")


if __name__ == "__main__":
    main()
