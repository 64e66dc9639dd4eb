"""Step mode's speed, beside its baselines (run: python benchmarks/step_keys.py [--runs N]).

1. First frame: wall time from starting `tutor run NAME --step` in a pseudo-terminal
   (100 x 30) to the step on the screen (its picture and values: the frame is painted from
   the records, the formula follows), and to the step's formula on the screen, against
   `python -c "import typer, rich.console, numpy, sympy"` (the stack import). Runs are
   interleaved (baseline, tutor, baseline, ...) and each figure is a median.
2. Key -> redraw, with Textual's Pilot: the time from a key event to the app handing
   the screen's update to the terminal (its lines rendered), for every built-in scenario
   and a 32-wide, 3-layer net, once the worker has prepared the frames (the app idle
   for a moment, as a student reads), and cold (keys pressed at once, before it has).
   Targets: first frame <= 1.5x the stack import; every key under 50 ms for the
   built-ins and under 100 ms for the 32-wide net.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
TUTOR = str(Path(PY).with_name("tutor"))
STACK = "import typer, rich.console, numpy, sympy"
#: the keys pressed, in order: forward through every step and back, jumps, picks, help
KEYS = ["right"] * 40 + ["left"] * 12 + ["end", "home", "r", "f", "tab", "tab", "question_mark", "question_mark",
                                          "pagedown", "pageup", "j", "k"]


def wide_scenario(width: int = 32, depth: int = 3, rows: int = 4) -> str:
    """A generated scenario: `depth` sigmoid layers of `width` units on `width` inputs."""
    import numpy as np

    rng = np.random.default_rng(0)
    inputs = np.round(rng.normal(size=(rows, width)), 3).tolist()
    targets = np.round(rng.uniform(size=(rows, width)), 3).tolist()
    layers = "\n".join(f"    - {{units: {width}, activation: sigmoid}}" for _ in range(depth))
    return f"""name: wide-{width}x{depth}
title: "{width}-wide, {depth}-layer sigmoid net"
data:
  inputs: {inputs}
  targets: {targets}
network:
  inputs: {width}
  layers:
{layers}
parameters:
  init: {{method: xavier, seed: 0}}
loss: {{type: mse}}
training: {{learning_rate: 0.1, batch: full, max_iterations: 10}}
"""


def first_frame(name: str, pattern: str, cache: str = "warm") -> float:
    """`cache`: warm (the printed formulas kept by an earlier start), cold (an empty cache
    directory) or off (TUTOR_CACHE=off)."""
    import pexpect

    env = dict(os.environ, TERM="xterm-256color")
    if cache == "cold":
        env["TUTOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="step-keys-cache-")
    elif cache == "off":
        env["TUTOR_CACHE"] = "off"
    start = time.perf_counter()
    child = pexpect.spawn(TUTOR, ["run", name, "--step"], dimensions=(30, 100), encoding="utf-8", timeout=60,
                          env=env)
    child.expect(pattern)
    took = time.perf_counter() - start
    child.send("q")
    child.expect(pexpect.EOF)
    return took


def stack_import() -> float:
    alike = dict(os.environ, OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")  # the tutor's BLAS threads
    start = time.perf_counter()
    subprocess.run([PY, "-c", STACK], check=True, env=alike)
    return time.perf_counter() - start


def first_frames(runs: int, cache: str = "warm") -> None:
    print("first frame (pseudo-terminal 100 x 30), cache", cache, "- median of", runs, "interleaved runs")
    # the first frame: the picture's caption, drawn with the step (the header alone is not a frame)
    cases = [("height-weight", r"on its row", r"x\[2\]′ = "), ("logistic-4x2", r"on its row", "X⋅W₁")]
    for name, counter, formula in cases:
        base, painted, full = [], [], []
        for _ in range(runs):
            base.append(stack_import())
            painted.append(first_frame(name, counter, cache))
            full.append(first_frame(name, formula, cache))
        b, p, f = (statistics.median(x) for x in (base, painted, full))
        print(f"  {name:14s} stack import {b:.3f} s | first frame {p:.3f} s = {p / b:.2f}x (target 1.5x)"
              f" | with its formula {f:.3f} s = {f / b:.2f}x")


async def key_latencies(path: str, idle: bool) -> list[float]:
    from backprop_tutor.engine import Engine
    from backprop_tutor.render.theme import NORMAL
    from backprop_tutor.scenario import load
    from backprop_tutor.stepper.app import StepApp
    from backprop_tutor.stepper.lesson import Lesson

    class Timed(StepApp):
        pressed: float | None = None
        took: list[float] = []

        def on_key(self, event) -> None:
            self.pressed, self.key = event.time, event.key
            super().on_key(event)

        def _display(self, screen, renderable) -> None:
            if renderable is not None and self.pressed is not None:
                renderable.render_segments(self.console)  # what a terminal driver would write
                from textual import _time

                self.took.append(_time.get_time() - self.pressed)
                if os.environ.get("STEP_KEYS_DEBUG") and self.took[-1] > 0.04:
                    print(f"    slow: {self.key} at step {self.nav.index + 1}: {1000 * self.took[-1]:.0f} ms")
                self.pressed = None
            super()._display(screen, renderable)

    model = load(path, [], up_close=True)
    lesson = Lesson(model, list(Engine(model).steps()), NORMAL)
    app = Timed(lesson, tone="dark")
    app.took = []
    async with app.run_test(size=(100, 30)) as pilot:
        if idle:
            while not all(lesson.ready(i) for i in range(lesson.total)):
                await pilot.pause(0.05)
            await pilot.pause(0.3)
        for key in KEYS:
            await pilot.press(key)
            if idle:
                await pilot.pause(0.05)  # a student reads; the worker draws the neighbours
        await pilot.press("q")
    return app.took


def keys(runs: int) -> None:
    from backprop_tutor.scenario import catalog

    print(f"key -> redraw (Textual's Pilot, 100 x 30, {len(KEYS)} keys a run, {runs} runs): median / 95th pct / max")
    with tempfile.TemporaryDirectory() as tmp:
        wide = Path(tmp) / "wide.yaml"
        wide.write_text(wide_scenario(), encoding="utf-8")
        cases = [(n, n, 50) for n in catalog.builtin_names()] + [("32-wide, 3 layers", str(wide), 100)]
        for label, path, target in cases:
            for idle in (True, False):
                took = []
                for _ in range(runs):
                    took += asyncio.run(key_latencies(path, idle))
                took.sort()
                ms = [1000 * took[len(took) // 2], 1000 * took[int(len(took) * 0.95)], 1000 * took[-1]]
                state = "prepared" if idle else "cold    "
                print(f"  {label:18s} {state} {ms[0]:6.1f} / {ms[1]:6.1f} / {ms[2]:6.1f} ms"
                      f"  (target < {target} ms{', met' if ms[2] < target else ''})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=("first", "keys"), help="run one half")
    parser.add_argument("--cache", choices=("warm", "cold", "off"), nargs="+", default=["warm", "cold"],
                        help="the printed-formula cache for the first frame: kept by an earlier start (warm),"
                             " an empty directory (cold), or TUTOR_CACHE=off")
    args = parser.parse_args()
    if args.only != "keys":
        for cache in args.cache:
            first_frames(args.runs, cache)
    if args.only != "first":
        keys(max(1, args.runs // 2))


if __name__ == "__main__":
    main()
