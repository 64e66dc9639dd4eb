"""`tutor validate` checks a scenario's own `compare` sweep the way `--set` would apply each
value: a typo in the field, or a value the field refuses, at its line, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

LESSON = Path(__file__).resolve().parents[1] / "scenarios" / "mlp-sweep-lr.yaml"


def validate(path):
    return subprocess.run([sys.executable, "-m", "backprop_tutor", "validate", str(path)], capture_output=True,
                          text=True, timeout=120, env={"TUTOR_CACHE": "off", "PATH": "/usr/bin:/bin"})


@pytest.mark.parametrize("old, new, wanted", [
    ("  vary: training.learning_rate", "  vary: training.learnin_rate",
     [":34: compare.vary: training.learnin_rate is refused for every value: training.learnin_rate: unknown field"]),
    ("  values: [0.001, 0.01, 0.1, 0.3, 0.5, 1]", '  values: [0.1, "abc", -1]',
     [":35: compare.values[1]: training.learning_rate=abc is refused: training.learning_rate: expected a number",
      ":35: compare.values[2]: training.learning_rate=-1 is refused: training.learning_rate: -1 is out of range"]),
])
def test_a_bad_sweep_is_refused_at_its_line(tmp_path, old, new, wanted):
    text = LESSON.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "sweep.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    done = validate(path)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    for line in wanted:
        assert str(path) + line in done.stderr, done.stderr
    assert "compare.values[0]" not in done.stderr  # 0.1 is a fine learning rate


def test_the_built_in_sweeps_validate():
    done = validate(LESSON)
    assert done.returncode == 0, done.stderr
