"""Samples per second for one epoch of a 784-512-512-10 binarized network, batch 64.

The same arithmetic on the same random MNIST-shaped data (pixels in [-1, 1], one-hot
targets, MSE, lr 0.01, STE window t = 1, latent weights clipped to [-1, 1]), in float32
and float64:

  tutor     backprop_tutor.engine.epochs.train_batch (the ops' own rules, the pass's fast path)
  numpy     a hand-written numpy loop doing the same operations inline
  torch     the same loop with torch tensors on the CPU, float32 (if torch is installed)
  limit     only the eight matrix products of one forward + backward pass, same shapes,
            orientations and dtype as the tutor's, into preallocated arrays
  strict    the same products with dL/dH2 = G sign(W2)^T computed as (sign(W2) G^T)^T, the
            faster orientation for this BLAS (float32 only: in float64 it changes the last bits,
            and the tutor's float64 stays the unbuffered pass's numbers bit for bit)

    python benchmarks/bnn_speed.py [--samples 3200] [--repeat 15] [--threads 1]

BLAS (and torch) run on --threads threads, 1 by default: set before numpy is imported,
since a loaded 2-core machine collapses when every process takes two. The implementations
are interleaved: each of --repeat rounds times one short epoch of every one in turn, so
that a change in the machine's load falls on all of them alike. Samples/s are medians
over the rounds; each ratio is the median over the rounds of the ratio within a round.
With one thread the clock is the process's CPU time (time another program holds the core
is not counted); with several, wall time.

Goal: the tutor in float32 >= 1.3x torch CPU float32, and >= 60% of the float32 limit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

WIDTHS = (784, 512, 512, 10)
BATCH = 64
LR = 0.01
T = 1.0
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def options():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=3200, help="samples in one timed epoch (MNIST: 60000)")
    ap.add_argument("--repeat", type=int, default=15, help="rounds: epochs timed per implementation")
    ap.add_argument("--threads", type=int, default=1, help="BLAS and torch threads (default 1)")
    ap.add_argument("--no-torch", action="store_true", help="leave torch out even if it is installed")
    return ap.parse_args()


def make_data(np, samples: int, dtype, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(samples, 784)).astype(float) / 255.0 * 2 - 1
    labels = rng.integers(0, 10, size=samples)
    y = np.zeros((samples, 10))
    y[np.arange(samples), labels] = 1.0
    return x.astype(dtype), y.astype(dtype)


def init_params(np, dtype, seed: int = 0):
    rng = np.random.default_rng(seed)
    p = {}
    for l in range(3):
        p[f"W{l + 1}"] = rng.uniform(-0.1, 0.1, (WIDTHS[l], WIDTHS[l + 1])).astype(dtype)
        p[f"b{l + 1}"] = np.zeros(WIDTHS[l + 1], dtype)
    return p


def tutor_epoch(np):
    from backprop_tutor.engine.epochs import Net, train_batch
    from backprop_tutor.ops import ACTIVATIONS, LOSSES, SignSTE

    net = Net(["binary_linear", "binary_linear", "linear"], [SignSTE(T), SignSTE(T), ACTIVATIONS["identity"]()],
              LOSSES["mse"](), clip=1.0)

    def epoch(params, x, y, order, work):
        sat = [0.0, 0.0]
        for k in range(0, len(order), BATCH):
            idx = order[k:k + BATCH]
            train_batch(net, params, x[idx], y[idx], LR, sat, work)
    return epoch


def numpy_epoch(np):
    def sgn(x):
        out = (x >= 0).astype(x.dtype)
        out *= 2
        out -= 1
        return out

    def epoch(p, x, y, order, work=None):
        """The same arithmetic, written out by hand."""
        sat1 = sat2 = 0.0
        for k in range(0, len(order), BATCH):
            idx = order[k:k + BATCH]
            xb, yb = x[idx], y[idx]
            wb1, wb2 = sgn(p["W1"]), sgn(p["W2"])
            z1 = xb @ wb1 + p["b1"]
            a1 = sgn(z1)
            z2 = a1 @ wb2 + p["b2"]
            a2 = sgn(z2)
            out = a2 @ p["W3"] + p["b3"]
            m, n = out.shape
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
    return epoch


def limit_epoch(np, flipped: bool = False):
    """Only the matrix products of forward + backward, into arrays made once; `flipped`:
    dL/dH2 as (W2 G^T)^T."""
    def epoch(p, x, y, order, work):
        if not work:
            dt = p["W1"].dtype
            work.update(h1=np.ones((BATCH, 512), dt), h2=np.ones((BATCH, 512), dt),
                        g=np.ones((BATCH, 512), dt), g3=np.ones((BATCH, 10), dt),
                        z=np.empty((BATCH, 512), dt), zt=np.empty((512, BATCH), dt), o=np.empty((BATCH, 10), dt),
                        **{f"gw{l}": np.empty_like(p[f"W{l}"]) for l in (1, 2, 3)})
        w = work
        for k in range(0, len(order), BATCH):
            xb = x[k:k + BATCH] if k + BATCH <= len(order) else x[:BATCH]
            np.matmul(xb, p["W1"], out=w["z"])
            np.matmul(w["h1"], p["W2"], out=w["z"])
            np.matmul(w["h2"], p["W3"], out=w["o"])
            np.matmul(w["g3"], p["W3"].T, out=w["z"])
            np.matmul(w["h2"].T, w["g3"], out=w["gw3"])
            if flipped:
                np.matmul(p["W2"], w["g"].T, out=w["zt"])
            else:
                np.matmul(w["g"], p["W2"].T, out=w["z"])
            np.matmul(w["h1"].T, w["g"], out=w["gw2"])
            np.matmul(xb.T, w["g"], out=w["gw1"])
    return epoch


def torch_epoch(torch):
    def sgn(t):
        return (t >= 0).to(t.dtype) * 2 - 1

    def epoch(p, x, y, order, work=None):
        with torch.no_grad():
            for k in range(0, len(order), BATCH):
                idx = order[k:k + BATCH]
                xb, yb = x[idx], y[idx]
                wb1, wb2 = sgn(p["W1"]), sgn(p["W2"])
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
    return epoch


def same_arithmetic(np, tutor, numpy_loop) -> str:
    """After 4 batches from the same weights: tutor == hand loop (float64 exactly, float32
    within rounding), and float32 tracks float64."""
    x, y = make_data(np, BATCH * 4, np.float64)
    order = np.arange(BATCH * 4)
    out = {}
    for dt in (np.float64, np.float32):
        a, b = init_params(np, dt), init_params(np, dt)
        tutor(a, x.astype(dt), y.astype(dt), order, {})
        numpy_loop(b, x.astype(dt), y.astype(dt), order)
        out[dt] = a
        tol = 1e-12 if dt is np.float64 else 1e-5  # the loop scales 2 (yhat - y) after, the loss before
        gap = max(float(np.max(np.abs(a[k] - b[k]))) for k in a)
        if gap > tol:
            return f"NO: tutor and hand loop differ by {gap:.3g} in {dt.__name__}"
    gap = max(float(np.max(np.abs(out[np.float32][k] - out[np.float64][k]))) for k in out[np.float64])
    return f"yes (float32 tutor within {gap:.2g} of float64 after 4 batches)"


def measure(runs: dict, repeat: int, clock) -> list[dict]:
    """Seconds per epoch of each run, round by round: each round times one epoch of every
    run in turn, so that the runs of a round meet the same load of the machine."""
    for fn, args in runs.values():  # warm-up: buffers, caches, first-call costs
        fn(*args[:3], args[3][:BATCH * 2], args[4])
    rounds = []
    for _ in range(repeat):
        times = {}
        for name, (fn, args) in runs.items():
            t0 = clock()
            fn(*args)
            times[name] = clock() - t0
        rounds.append(times)
    return rounds


def build(np, args) -> dict:
    x64, y64 = make_data(np, args.samples, np.float64)
    order = np.random.default_rng(1).permutation(args.samples)
    runs = {}
    tutor, numpy_loop, limit = tutor_epoch(np), numpy_epoch(np), limit_epoch(np)
    for dt in (np.float32, np.float64):
        x, y = x64.astype(dt), y64.astype(dt)
        name = dt.__name__
        runs[f"tutor {name}"] = (tutor, (init_params(np, dt), x, y, order, {}))
        runs[f"hand-written numpy loop {name}"] = (numpy_loop, (init_params(np, dt), x, y, order, None))
        runs[f"matrix products only {name}"] = (limit, (init_params(np, dt), x, y, order, {}))
    runs["strict: (S G^T)^T float32"] = (limit_epoch(np, flipped=True),
                                         (init_params(np, np.float32), x64.astype(np.float32),
                                          y64.astype(np.float32), order, {}))
    if not args.no_torch:
        try:
            import torch
        except ImportError:
            return runs
        torch.set_num_threads(args.threads)
        tp = {k: torch.from_numpy(v) for k, v in init_params(np, np.float32).items()}
        tx, ty = torch.from_numpy(x64.astype(np.float32)), torch.from_numpy(y64.astype(np.float32))
        runs[f"torch {torch.__version__} CPU float32"] = (torch_epoch(torch), (tp, tx, ty, torch.from_numpy(order),
                                                                              None))
    return runs


def ratio(rounds: list[dict], fast: str, slow: str) -> float:
    """How many times faster `fast` ran than `slow`: the median over rounds of the ratio within a round."""
    return statistics.median(r[slow] / r[fast] for r in rounds)


def report(np, args, rounds: list[dict], same: str) -> None:
    print(f"one epoch of a 784-512-512-10 binarized network, batch {BATCH}, {args.samples} random samples; "
          f"numpy {np.__version__}, {args.threads} BLAS thread(s), {os.cpu_count()} CPUs; "
          f"{'CPU' if args.threads == 1 else 'wall'} time, median of {args.repeat} rounds, each timing one "
          f"epoch of every implementation in turn")
    print(f"tutor computes what the hand-written loop computes: {same}")
    names = list(rounds[0])
    for name in names:
        rate = args.samples / statistics.median(r[name] for r in rounds)
        dt = "float32" if "float32" in name else "float64"
        extra = "" if name.startswith(("matrix", "strict")) else \
            f"   {ratio(rounds, name, f'matrix products only {dt}'):5.0%} of the {dt} limit"
        print(f"  {name:<38} {rate:9.0f} samples/s{extra}")
    print("ratios (median over rounds of the ratio within a round):")
    print(f"  tutor float32 / tutor float64               {ratio(rounds, 'tutor float32', 'tutor float64'):5.2f}x")
    print(f"  tutor float32 / numpy loop float32          "
          f"{ratio(rounds, 'tutor float32', 'hand-written numpy loop float32'):5.2f}x")
    torch_name = next((n for n in names if n.startswith("torch")), None)
    if torch_name:
        r = ratio(rounds, "tutor float32", torch_name)
        print(f"  tutor float32 / {torch_name:<27} {r:5.2f}x   (goal >= 1.30x: {'met' if r >= 1.3 else 'NOT met'})")
    else:
        print("  torch is not installed: no torch figure")
    frac = ratio(rounds, "tutor float32", "matrix products only float32")
    print(f"  tutor float32 / float32 limit               {frac:5.0%}   (goal >= 60%: "
          f"{'met' if frac >= 0.6 else 'NOT met'})")
    strict = ratio(rounds, "tutor float32", "strict: (S G^T)^T float32")
    print(f"  tutor float32 / strict float32 limit        {strict:5.0%}   (the limit with the faster orientation)")


def main() -> None:
    args = options()
    for var in THREAD_VARS:  # before numpy (and its BLAS) is loaded
        os.environ[var] = str(args.threads)
    if "numpy" in sys.modules:
        sys.exit("numpy was imported before the thread count could be set")
    import numpy as np

    runs = build(np, args)
    same = same_arithmetic(np, tutor_epoch(np), numpy_epoch(np))
    # on one thread, the CPU time of the process: the time another program takes the core away
    # is not counted (as the issue's own figures); on several threads, wall time
    clock = time.process_time if args.threads == 1 else time.perf_counter
    report(np, args, measure(runs, args.repeat, clock), same)


if __name__ == "__main__":
    main()
