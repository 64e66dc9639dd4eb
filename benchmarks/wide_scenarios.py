"""Wide scenarios for benchmarks/wide.py and the tests, generated from a seed (no big YAML ships).

- `mnist_like(folder)`: a 784-256-10 net (ReLU hidden layer, softmax output, cross-entropy)
  on 64 seeded random 28x28 "images" (pixels 0..255, mapped to [-1, 1]), full batch.
- `slides_demo(folder)`: the weight-initialisation slides' demo (lecture notes
  002_9c78fb10221bfba8.txt): 16 samples x = randn(16, 4096), six tanh layers of 4096
  units with W = 0.01 * randn (dims = [4096] * 7), and a 10-way softmax head for a loss.

Each writes an .npz data set (the inline-table limits keep 50,000-value tables out of
YAML) and a scenario file beside it, and returns the scenario's path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _write(folder: Path, name: str, x: np.ndarray, labels: np.ndarray, body: str) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / f"{name}.npz"
    np.savez(data, x_train=x, y_train=labels, x_test=x[:0], y_test=labels[:0])
    path = folder / f"{name}.yaml"
    path.write_text(f"name: {name}\n" + body.replace("DATA", data.name), encoding="utf-8")
    return path


def mnist_like(folder: Path, seed: int = 0, rows: int = 64, hidden: int = 256) -> Path:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (rows, 784)).astype(np.uint8)
    labels = rng.integers(0, 10, rows).astype(np.uint8)
    return _write(folder, "wide-784", x, labels, f"""title: "784-{hidden}-10 on {rows} seeded random images"
data: {{dataset: DATA, test_fraction: 0, preprocess: pixels}}
network:
  inputs: 784
  layers:
    - {{units: {hidden}, activation: relu}}
    - {{units: 10, activation: softmax}}
parameters:
  init: {{method: he, seed: {seed}}}
loss: {{type: cross_entropy, samples: mean}}
training: {{learning_rate: 0.1, batch: full, max_iterations: 1}}
""")


def slides_demo(folder: Path, seed: int = 0, rows: int = 16, width: int = 4096, depth: int = 6) -> Path:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, width))
    labels = rng.integers(0, 10, rows).astype(np.uint8)
    layers = "\n".join(f"    - {{units: {width}, activation: tanh}}" for _ in range(depth))
    return _write(folder, "slides-4096", x, labels, f"""title: "dims = [{width}] * {depth + 1}, tanh, W = 0.01 * randn"
source:
  document: 002_9c78fb10221bfba8.txt
  section: "Weight initialisation: all activations tend to zero for deeper layers"
data: {{dataset: DATA, test_fraction: 0}}
network:
  inputs: {width}
  layers:
{layers}
    - {{units: 10, activation: softmax}}
parameters:
  init: {{method: normal, sigma: 0.01, seed: {seed}}}
loss: {{type: cross_entropy, samples: mean}}
training: {{learning_rate: 0.1, batch: full, max_iterations: 1}}
""")
