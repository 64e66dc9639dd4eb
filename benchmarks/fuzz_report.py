"""The fuzz test's figures: inputs tried, clean errors, runs, crashes, hangs, and the
slowest and largest cases (run: python benchmarks/fuzz_report.py [--examples N] [--seed S]).

The same mutations and checks as tests/test_fuzz.py (tests/fuzzing.py), outside pytest.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import numpy as np  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

import fuzzing  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "),
                                     epilog=__doc__.split("\n\n", 1)[1].strip())
    parser.add_argument("--examples", type=int, default=1000, help="inputs to try (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed (default 0)")
    args = parser.parse_args()
    np.seterr(all="ignore")
    stats = fuzzing.Stats()
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        @seed(args.seed)
        @settings(max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(fuzzing.scenarios())
        def check(case):
            problems.extend(fuzzing.run_case(Path(tmp), case, stats))

        start = time.perf_counter()
        check()
        took = time.perf_counter() - start
    print(f"fuzz ({args.examples} examples asked, seed {args.seed}, {took:.0f} s): {stats.summary()}")
    for problem in problems[:50]:
        print("  ", problem)


if __name__ == "__main__":
    main()
