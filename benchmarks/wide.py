"""Wide networks stay interactive (run: python benchmarks/wide.py [--runs N] [--timeout S]).

Generates two scenarios from a seed (benchmarks/wide_scenarios.py) in a temporary folder:
a 784-256-10 net on a batch of 64, and the weight-initialisation slides' demo (six tanh
layers of 4096 units, W = 0.01 * randn, 16 samples). For each it times, in fresh
processes, `tutor run` (printed), `tutor explain dL/dW1`, and step mode's frames (every
frame built and drawn at 80, 120 and 200 columns, in one process: the slowest frame), and
reads each process's peak resident memory; and the demo's `tutor run --stats-only` (the
statistics of each layer alone: the collapse lesson at a glance). Each figure is the median of --runs
repetitions, the commands interleaved, printed beside its target: wall time and CPU time
(user + system: steadier when other work shares the machine; the mark goes by it) under
2 s for the 784-wide net and 3 s for the demo, peak memory under 1 GiB. A command that runs past --timeout is stopped and shown as such.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# the frames child draws step mode as the tutor's command line runs it: one BLAS thread
for _name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import wide_scenarios  # noqa: E402

PY = sys.executable
TUTOR = [PY, "-m", "backprop_tutor"]
GIB = 2**30
WIDTHS = (80, 120, 200)


def measure(cmd: list[str], timeout: float, frames: bool = False) -> tuple[float, float, int, str]:
    """(wall s, CPU s, peak RSS bytes, what went wrong or "") of one fresh process; for a
    frames child, its slowest frame's seconds stand for both times."""
    out = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > timeout:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            return timeout, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, f"stopped at {timeout:g} s"
        time.sleep(0.01)
    wall, cpu, peak = time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024
    if os.waitstatus_to_exitcode(status) != 0:
        lines = proc.stderr.read().decode(errors="replace").strip().splitlines() or ["?"]
        return wall, cpu, peak, "failed: " + lines[-1][:100]
    if frames:
        out.seek(0)
        wall, cpu = (float(x) for x in out.read().decode().split()[-2:])
    return wall, cpu, peak, ""


def frames(path: str) -> None:
    """Child mode: build and draw every step-mode frame at 80, 120 and 200 columns; print the
    slowest (frame, width) in wall and CPU seconds (a frame is worked out on its first draw)."""
    from rich.console import Console

    from backprop_tutor.engine import Engine
    from backprop_tutor.scenario import load
    from backprop_tutor.scenario.limits import check_shown
    from backprop_tutor.stepper.keys import Navigator
    from backprop_tutor.stepper.lesson import Lesson
    from backprop_tutor.stepper.loop import screen_lines

    model = load(path, [], up_close=True)
    check_shown(model)  # what `tutor run --step` shows
    lesson = Lesson(model, list(Engine(model).steps()))
    wall = cpu = 0.0
    for i in range(lesson.total):
        for width in WIDTHS:
            start, start_cpu = time.perf_counter(), time.process_time()
            console = Console(file=io.StringIO(), width=width, height=40, color_system=None)
            nav = Navigator(lesson.total, lesson.phase_starts())
            nav.index = i
            screen_lines(lesson, nav, console, width, 40)
            wall = max(wall, time.perf_counter() - start)
            cpu = max(cpu, time.process_time() - start_cpu)
    print(f"{wall:.6f} {cpu:.6f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--frames", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.frames:
        frames(args.frames)
        return
    with tempfile.TemporaryDirectory() as tmp:
        nets = [("784-256-10, batch 64", wide_scenarios.mnist_like(Path(tmp)), 2.0),
                ("slides 7x4096 tanh, 16 samples", wide_scenarios.slides_demo(Path(tmp)), 3.0)]
        rows = []
        for label, path, target in nets:
            rows += [(f"{label}: tutor run", TUTOR + ["run", str(path)], target),
                     (f"{label}: tutor explain dL/dW1", TUTOR + ["explain", "dL/dW1", "-s", str(path)], target),
                     (f"{label}: step mode, slowest frame", [PY, __file__, "--frames", str(path)], target)]
        # the collapse lesson at a glance: the statistics of each layer, without the 57 steps
        rows.append((f"{nets[1][0]}: run --stats-only", TUTOR + ["run", str(nets[1][1]), "--stats-only"], 3.0))
        results: dict[str, list] = {label: [] for label, _, _ in rows}
        for _ in range(args.runs):  # interleaved: one of each, then again
            for label, cmd, _ in rows:
                if results[label] and results[label][-1][3]:
                    continue  # stopped or failed once: not again
                results[label].append(measure(cmd, args.timeout, frames="--frames" in cmd))
        print(f"median of {args.runs} runs (python {sys.version.split()[0]}, {os.cpu_count()} cores); "
              f"wall and CPU seconds, peak memory")
        print(f"  {'figure':<52} {'wall':>8} {'CPU':>8} {'target':>7} {'peak':>9} {'target':>7}")
        for label, _, target in rows:
            got = results[label]
            wall = statistics.median(r[0] for r in got)
            cpu = statistics.median(r[1] for r in got)
            peak = max(r[2] for r in got)
            trouble = next((r[3] for r in got if r[3]), "")
            mark = "ok" if cpu < target and peak < GIB and not trouble else "OVER"
            over = f" ({trouble})" if trouble else ""
            print(f"  {label:<52} {wall:7.2f}s {cpu:7.2f}s {'<' + format(target, 'g') + ' s':>7} "
                  f"{peak / 2**20:6.0f}MiB {'<1 GiB':>7}  {mark}{over}")


if __name__ == "__main__":
    main()
