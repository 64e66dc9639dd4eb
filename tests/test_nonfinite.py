"""A value that is not finite (log of 0, overflow) survives every command: JSON says null,
text says inf or nan with a warning, and nothing ends in a traceback."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from backprop_tutor.cli import app

EDGE = """\
name: inf-edge
title: "a sigmoid output pushed past the float range, target 0"
data:
  inputs: [[1], [2]]
  targets: [[0], [1]]
network:
  inputs: 1
  layers:
    - {units: 2, activation: relu}
    - {units: 1, activation: sigmoid}
parameters:
  W1: [[1, 1]]
  b1: [0, 0]
  W2: [[1], [900]]
  b2: [0]
loss: {type: binary_cross_entropy}
training: {learning_rate: 0.1, batch: BATCH, max_iterations: 5, epochs: 2}
"""


@pytest.fixture
def edge(tmp_path):
    def write(batch="full"):
        path = tmp_path / f"edge-{batch}.yaml"
        path.write_text(EDGE.replace("BATCH", str(batch)), encoding="utf-8")
        return str(path)
    return write


def invoke(*args, warned: bool = False):
    """stdout of a command that must succeed; `warned`: it must say on stderr that values are
    not finite (a JSON consumer reads stdout alone)."""
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    if warned:
        assert "not finite" in result.stderr, result.stderr
    return result.stdout


def test_json_writes_null(edge):
    steps = json.loads(invoke("run", edge(), "--json", warned=True))["steps"]
    assert any(s["value"] is None or (isinstance(s["value"], list) and None in sum(s["value"], []))
               for s in steps if s["key"] == "dL/dZ2")
    trained = json.loads(invoke("train", edge(), "--json", warned=True))
    assert trained["loss"][0] is None and trained["final"]["L"] is None
    explained = json.loads(invoke("explain", "dL/dW1", "-s", edge(), "--json", warned=True))
    assert explained["value"] == [[None, None]] and explained["warnings"]


def test_text_says_so(edge):
    out = invoke("explain", "dL/dW1", "-s", edge())
    assert "nan" in out and "not a finite number" in out
    assert "log(0) ahead" in invoke("run", edge())
    assert "log(0) ahead" in invoke("run", edge(), "--step")  # no terminal: every frame printed


def test_epoch_training_and_compare(edge):
    data = json.loads(invoke("train", edge(1), "--json", warned=True))
    assert data["epochs"][0]["loss"] is None
    data = json.loads(invoke("compare", edge(1), "--vary", "training.learning_rate=0.1,1", "--json", warned=True))
    assert len(data["runs"]) == 2
    assert "not finite" in invoke("train", edge(1)) and "not finite" in invoke("train", edge())
    assert "not finite" in invoke("compare", edge(1), "--vary", "training.learning_rate=0.1,1")
