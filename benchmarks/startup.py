"""Startup and depth benchmark for the tutor (run: python benchmarks/startup.py [--runs N]).

1. Median wall time of `tutor --help`, `tutor list`, `tutor run logistic-4x2`,
   `tutor run logistic-4x2 --json` and `tutor explain dL/dW1 -s logistic-4x2`,
   against `python -c pass` and `python -c "import sympy"` on the same machine.
2. How `tutor explain dL/dW1` (the first layer's weights) grows with depth, 2 to 10
   layers of 3 sigmoid units (a generated scenario, xavier weights, seed 0).
3. In one process with sympy's caches warm: explain dL/dW1 of the 6-layer net (the
   figure tests/test_explain.py once asserted as under 1 s, and the fresh process as
   under 2 s).
Each figure is the median of several fresh processes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
TUTOR = [PY, "-m", "backprop_tutor"]


def deep_scenario(depth: int, width: int = 3, activation: str = "sigmoid") -> str:
    """A scenario file's text: `depth` layers of `width` units, the last one a sigmoid output."""
    layers = "\n".join(f"    - {{units: {width}, activation: {activation}}}" for _ in range(depth - 1))
    return f"""name: deep-{depth}
title: "{depth}-layer net for the depth benchmark"
data:
  inputs: [[0.1, 0.2], [0.5, -0.3], [-0.7, 0.9], [0.3, 0.3]]
  targets: [1, 0, 0, 1]
network:
  inputs: 2
  layers:
{layers}
    - {{units: 1, activation: sigmoid}}
parameters:
  init: {{method: xavier, seed: 0}}
loss: {{type: binary_cross_entropy}}
training: {{learning_rate: 0.1, batch: full, max_iterations: 10}}
"""


def median_time(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rows = [
        ("python -c pass", [PY, "-c", "pass"]),
        ('python -c "import sympy"', [PY, "-c", "import sympy"]),
        ("tutor --help", TUTOR + ["--help"]),
        ("tutor list", TUTOR + ["list"]),
        ("tutor run logistic-4x2 --json", TUTOR + ["run", "logistic-4x2", "--json"]),
        ("tutor run logistic-4x2", TUTOR + ["run", "logistic-4x2"]),
        ("tutor explain dL/dW1 -s logistic-4x2", TUTOR + ["explain", "dL/dW1", "-s", "logistic-4x2"]),
    ]
    print(f"median wall time of {args.runs} runs (python {sys.version.split()[0]})")
    for label, cmd in rows:
        print(f"  {label:<40} {median_time(cmd, args.runs) * 1000:8.0f} ms")
    print("tutor explain dL/dW1 by depth (layers of 3 sigmoid units + 1 output)")
    with tempfile.TemporaryDirectory() as tmp:
        for depth in range(2, 11):
            path = Path(tmp) / f"deep-{depth}.yaml"
            path.write_text(deep_scenario(depth), encoding="utf-8")
            t = median_time(TUTOR + ["explain", "dL/dW1", "-s", str(path)], max(3, args.runs // 2))
            print(f"  {depth:2d} layers {t * 1000:8.0f} ms")
        print(f"explain dL/dW1 of 6 layers in one process, caches warm: {warm_explain(Path(tmp)) * 1000:.0f} ms")


def warm_explain(tmp: Path, depth: int = 6, runs: int = 5) -> float:
    """Median in-process time of derive.explain(dL/dW1) after one warm-up (dL/dW2)."""
    from backprop_tutor.scenario import load
    from backprop_tutor.symbolic import derive
    from backprop_tutor.symbolic.targets import parse

    path = tmp / f"warm-{depth}.yaml"
    path.write_text(deep_scenario(depth), encoding="utf-8")
    model = load(str(path))
    derive.explain(model, parse("dL/dW2", model))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        derive.explain(model, parse("dL/dW1", model))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    main()
