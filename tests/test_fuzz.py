"""Fuzzing the scenario files: hypothesis mutates the built-in scenarios (fields
deleted, duplicated, retyped, wrong shapes, extreme numbers, aliases, tags, unicode,
control characters, oversized lists) and every command must end with status 0 or a
clean status 2, within 10 s and 1 GiB (see fuzzing.py).

The default profile tries about 150 inputs (600 commands); `pytest --slow` tries
thousands. `python benchmarks/fuzz_report.py` prints the counts.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings

import fuzzing

pytestmark = pytest.mark.filterwarnings("ignore")
FAST, SLOW = 150, 3000


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
