"""Structural mutations of the built-in scenarios, run through the commands in process.

A mutated scenario is the raw YAML data of a built-in file with fields deleted,
duplicated or retyped, wrong shapes, extreme numbers, long lists, unicode, or YAML
text with aliases, tags and control characters. Each goes through `validate`, `run
--json`, `train --iterations 5 --json` and `explain`; each command must end with
status 0 or 2 (a TutorError), never another exception, within the time limit and
without the process's peak memory growing past the limit.

Used by tests/test_fuzz.py (a few hundred examples; `--slow` for thousands) and by
benchmarks/fuzz_report.py (the counts and the slowest and largest cases).
"""

from __future__ import annotations

import copy
import resource
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from hypothesis import strategies as st
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.errors import TutorError
from backprop_tutor.scenario import catalog

#: the largest network (weights) fuzzed: the lessons that show the slides' wide demos (six
#: layers of 512 or 4096 units) take seconds by design, so a mutation of them measures the
#: machine, not the tutor's robustness; tests/test_lessons.py runs them as they are
MOST_WEIGHTS = 100_000


def _weights(name: str) -> int:
    net = yaml.safe_load(catalog.resolve(name).read_text(encoding="utf-8")).get("network", {})
    widths = [net.get("inputs", 1)] + [layer.get("units", 1) for layer in net.get("layers", [])]
    return sum(a * b for a, b in zip(widths, widths[1:]))


NAMES = [name for name in catalog.builtin_names() if _weights(name) <= MOST_WEIGHTS]
TEXTS = {name: catalog.resolve(name).read_text(encoding="utf-8") for name in NAMES}
RAW = {name: yaml.safe_load(text) for name, text in TEXTS.items()}
#: per command: a case taking longer is a hang, a process peak above MEMORY_LIMIT is a failure
TIME_LIMIT = 10
MEMORY_LIMIT_MB = 1024

EXTREME = st.sampled_from([0, -1, 1, 2**63, -(2**63), 10**400, 1e308, -1e308, 1e-320, float("nan"),
                           float("inf"), float("-inf"), 0.5, 1e9, 10**9, 999999999999, -0.0, 3.7])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), EXTREME,
                    st.text(max_size=12), st.sampled_from(["sigmoid", "softmax", "relu", "mse", "full", "record",
                                                           "digits", "minmax", "none", "xavier", "[/]", "W1"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                      max_leaves=12)
UNICODE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=16)
TAGS = ["!!python/object/apply:os.system ['true']", "!!binary aGVsbG8=", "!!set {a, b}", "!!timestamp 2001-12-14",
        "!custom 3", "!!float 1e400", "!!int 0x_ff", "!!str 3", "!!omap [{a: 1}]", "!!merge <<"]
ALIASES = ["x: &a [1, 2]\ny: *a\n", "x: &a\n  - &b [*b]\n", "x: *nowhere\n", "<<: {name: z}\n",
           "p: &p [&q [&r [1, *r], *q], *p]\n"]


def paths(data, prefix=()):
    """Every path into a raw tree (mapping keys and list indexes)."""
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data[:6]):
            out += paths(v, prefix + (i,))
    return out


def _parent(tree, path):
    node = tree
    for part in path[:-1]:
        node = node[part]
    return node


@st.composite
def structural(draw, tree):
    """One change to the tree: delete, duplicate, retype, a wrong shape, an extreme number,
    unicode text or an oversized list at a drawn path."""
    all_paths = paths(tree)
    path = draw(st.sampled_from(all_paths))
    parent, key = _parent(tree, path), path[-1]
    kind = draw(st.sampled_from(["delete", "duplicate", "retype", "shape", "extreme", "unicode", "oversize",
                                 "number", "number", "number"]))
    if kind == "number" and not isinstance(parent[key], (int, float)):
        kind = "extreme"
    if kind == "delete":
        del parent[key]
    elif kind == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
    elif kind == "duplicate":
        parent[f"{key}"] = copy.deepcopy(parent[key])
        parent[draw(st.sampled_from(["name", "data", "loss", "extra"]))] = copy.deepcopy(parent[key])
    elif kind == "retype":
        parent[key] = draw(VALUES)
    elif kind == "shape":
        rows, cols = draw(st.integers(0, 7)), draw(st.integers(0, 7))
        parent[key] = [[draw(st.integers(-3, 3)) for _ in range(cols)] for _ in range(rows)]
    elif kind == "number":  # a plausible other value: most such scenarios still run
        parent[key] = draw(st.one_of(st.integers(0, 12), st.floats(-50, 50, allow_nan=False)))
    elif kind == "extreme":
        parent[key] = draw(EXTREME)
    elif kind == "unicode":
        parent[key] = draw(UNICODE)
    else:
        n = draw(st.sampled_from([5000, 20000, 100000]))
        parent[key] = [[1, 2]] * (n // 2) if draw(st.booleans()) else [1] * n
    return f"{kind} {'.'.join(map(str, path))}"


@st.composite
def textual(draw, text):
    """One change to the YAML text: an alias, a tag, a control character, unicode, a repeated line."""
    lines = text.splitlines()
    kind = draw(st.sampled_from(["alias", "tag", "control", "unicode", "dupline"]))
    at = draw(st.integers(0, max(0, len(lines) - 1)))
    if kind == "alias":
        lines.append(draw(st.sampled_from(ALIASES)))
    elif kind == "tag":
        lines.insert(at, f"tagged: {draw(st.sampled_from(TAGS))}")
    elif kind == "control":
        col = draw(st.integers(0, len(lines[at]) if lines else 0))
        ch = chr(draw(st.sampled_from(list(range(0, 32)) + [127, 0x85, 0x202E, 0xFEFF, 0xA0, 0xFF1A])))
        lines[at] = lines[at][:col] + ch + lines[at][col:] if lines else ch
    elif kind == "unicode":
        col = draw(st.integers(0, len(lines[at]) if lines else 0))
        lines[at] = lines[at][:col] + draw(UNICODE) + lines[at][col:] if lines else ""
    else:
        lines.insert(at, lines[at] if lines else "")
    return "\n".join(lines) + "\n", f"{kind} at line {at + 1}"


@st.composite
def scenarios(draw):
    """(name of the built-in, what was changed, YAML text)."""
    name = draw(st.sampled_from(NAMES))
    tree = copy.deepcopy(RAW[name])
    # most inputs carry one or two changes, so that many still run and reach the engine
    changes = [draw(structural(tree)) for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2, 3]))) if paths(tree)]
    try:
        text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=4096)
    except (yaml.YAMLError, RecursionError):
        text = TEXTS[name]
    if (not changes and draw(st.booleans())) or draw(st.integers(0, 3)) == 0:
        text, change = draw(textual(text))
        changes.append(change)
    return name, changes, text


@dataclass
class Stats:
    inputs: int = 0
    commands: int = 0
    clean_errors: int = 0
    ran: int = 0
    crashes: list = field(default_factory=list)
    hangs: list = field(default_factory=list)
    slowest: tuple = (0.0, "")
    largest: tuple = (0, "")  # (bytes of YAML, what)
    peak_mb: float = 0.0

    def summary(self) -> str:
        return (f"inputs tried {self.inputs}, commands run {self.commands}: clean errors (status 2) "
                f"{self.clean_errors}, ran (status 0) {self.ran}, crashes {len(self.crashes)}, hangs "
                f"{len(self.hangs)}; slowest {self.slowest[0]:.2f} s ({self.slowest[1]}); largest input "
                f"{self.largest[0]:,} bytes ({self.largest[1]}); peak memory of the process {self.peak_mb:.0f} MB")


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


COMMANDS = (["validate", "{path}"], ["run", "{path}", "--json"], ["train", "{path}", "--iterations", "5", "--json"],
            ["explain", "dL/dW1", "-s", "{path}", "--json"])
RUNNER = CliRunner()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(tmp: Path, case, stats: Stats) -> list[str]:
    """Every command on one mutated scenario; the problems found (empty when all is well)."""
    name, changes, text = case
    what = f"{name}: {'; '.join(changes)}"
    path = tmp / "fuzzed.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    stats.inputs += 1
    if len(text.encode("utf-8", "surrogatepass")) > stats.largest[0]:
        stats.largest = (len(text.encode("utf-8", "surrogatepass")), what)
    problems = []
    for command in COMMANDS:
        args = [a.format(path=path) for a in command]
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(TIME_LIMIT)
        start = time.perf_counter()
        try:
            result = RUNNER.invoke(app, args, catch_exceptions=True)
        except Hang:
            result = None
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        took = time.perf_counter() - start
        stats.commands += 1
        label = f"{command[0]} on {what}"
        if took > stats.slowest[0]:
            stats.slowest = (took, label)
        error = None if result is None else result.exception
        if result is None or isinstance(error, Hang):
            stats.hangs.append(label)
            problems.append(f"hang: {label}")
        elif isinstance(error, TutorError) or (error is None or isinstance(error, SystemExit)) and result.exit_code == 2:
            stats.clean_errors += 1
        elif (error is None or isinstance(error, SystemExit)) and result.exit_code == 0:
            stats.ran += 1
        else:
            stats.crashes.append((label, repr(error)[:300]))
            problems.append(f"crash: {label}: {error!r} (status {result.exit_code})")
    stats.peak_mb = peak_mb()
    if stats.peak_mb > MEMORY_LIMIT_MB:
        problems.append(f"memory: the process peaked at {stats.peak_mb:.0f} MB after {what}")
    return problems
