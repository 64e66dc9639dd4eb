"""Training speed of two checkouts of the tutor, side by side, interleaved.

    python benchmarks/ab_revisions.py OLD_TREE NEW_TREE [--rounds 5] [--samples 5000]

Each round times one epoch of the 784-512-512-10 binarized network of
`bnn_speed.py` (batch 64) in a fresh process for each tree, alternating old and
new, so a load that comes and goes on the machine hits both alike. Reports each
tree's median samples/s and the ratio new / old.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1]); sys.path.insert(1, sys.argv[1] + "/benchmarks")
import numpy as np
import bnn_speed as b
x, y = b.make_data(int(sys.argv[2]))
order = np.random.default_rng(1).permutation(len(x))
p = b.init_params()
b.epoch_tutor(p, x, y, order[:b.BATCH * 2])
t = time.perf_counter(); b.epoch_tutor(p, x, y, order); t = time.perf_counter() - t
print(len(x) / t)
"""


def one(tree: str, samples: int) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, "-c", CHILD, tree, str(samples)], capture_output=True, text=True,
                         env=env, check=True)
    return float(out.stdout.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--samples", type=int, default=5000)
    args = ap.parse_args()
    old, new = [], []
    for _ in range(args.rounds):
        old.append(one(args.old, args.samples))
        new.append(one(args.new, args.samples))
    mo, mn = statistics.median(old), statistics.median(new)
    print(f"old {args.old}: median {mo:.0f} samples/s  {[round(v) for v in old]}")
    print(f"new {args.new}: median {mn:.0f} samples/s  {[round(v) for v in new]}")
    print(f"new / old = {mn / mo:.3f}")


if __name__ == "__main__":
    main()
