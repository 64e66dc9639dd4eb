"""Training speed of the engine: iterations per second of `train` on the built-in scenarios.

Run: python benchmarks/train_speed.py [--repeat N]
Each figure is the median of N runs, measured in-process (no start-up cost), and
beside it a plain numpy loop doing the same arithmetic for logistic-4x2, so the
cost of yielding step records is visible.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from backprop_tutor.engine import train
from backprop_tutor.scenario import load


def plain_numpy(iterations: int) -> float:
    x = np.array([[1, 2], [2, 1], [3, 1], [4, 3]], float)
    y = np.array([[1], [0], [0], [1]], float)
    w1 = np.array([[1, 0, -2], [-1, 3, 2]], float)
    b1 = np.array([4, 5, -3], float)
    w2 = np.array([[2], [0], [-3]], float)
    b2 = np.array([1.0])
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    for _ in range(iterations):
        h = sig(x @ w1 + b1)
        yh = sig(h @ w2 + b2)
        dz2 = (-y / yh + (1 - y) / (1 - yh)) / 4 * yh * (1 - yh)
        dz1 = (dz2 @ w2.T) * h * (1 - h)
        w2, b2 = w2 - 0.1 * h.T @ dz2, b2 - 0.1 * dz2.sum(0)
        w1, b1 = w1 - 0.1 * x.T @ dz1, b1 - 0.1 * dz1.sum(0)
    return float(np.mean(-y * np.log(yh) - (1 - y) * np.log(1 - yh)))


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n = 1000
    for name in ("logistic-4x2", "height-weight"):
        scenario = load(name)
        t = timed(lambda: train(scenario, iterations=n), args.repeat)
        print(f"{name:14s} engine train:  {n} iterations in {t * 1000:7.1f} ms  ({n / t:8.0f} it/s)")
    t = timed(lambda: plain_numpy(n), args.repeat)
    print(f"{'logistic-4x2':14s} plain numpy:   {n} iterations in {t * 1000:7.1f} ms  ({n / t:8.0f} it/s)")


if __name__ == "__main__":
    main()
