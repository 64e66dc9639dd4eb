"""Fuzzing the scenario files: hypothesis mutates the built-in scenarios (fields
deleted, duplicated, retyped, wrong shapes, extreme numbers, aliases, tags, unicode,
control characters, oversized lists) and every command must end with status 0 or a
clean status 2, within 10 s and 1 GiB (see fuzzing.py).

The default profile tries about 300 inputs (1,200 commands, about 35 s); `pytest --slow` tries
thousands. `python benchmarks/fuzz_report.py` prints the counts.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings

import fuzzing

pytestmark = pytest.mark.filterwarnings("ignore")
FAST, SLOW = 300, 3000


@pytest.fixture(scope="module")
def stats():
    found = fuzzing.Stats()
    yield found
    sys.stderr.write(f"\nfuzz: {found.summary()}\n")


def test_mutated_scenarios_end_cleanly(tmp_path_factory, stats, slow):
    tmp = tmp_path_factory.mktemp("fuzz")
    problems: list[str] = []

    @settings(max_examples=SLOW if slow else FAST, deadline=None, derandomize=not slow, database=None,
              suppress_health_check=list(HealthCheck))
    @given(fuzzing.scenarios())
    def check(case):
        problems.extend(fuzzing.run_case(tmp, case, stats))

    check()
    assert stats.inputs >= (SLOW if slow else FAST) // 2
    assert not problems, "\n".join(problems[:20])


def test_fuzz_report_help_gives_its_whole_description():
    import subprocess
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "fuzz_report.py"
    done = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    flat = " ".join(done.stdout.split())
    assert "the slowest and largest cases" in flat and "--examples N" in flat and "outside pytest" in flat
