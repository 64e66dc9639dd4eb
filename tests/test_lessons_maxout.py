"""The built-in lesson `maxout` (slides 002, "Hàm kích hoạt Maxout"): with 2 pieces, one of
them 0, a maxout unit is exactly ReLU; unlike ReLU it never dies, because dL/da always
reaches one of its pieces."""

from __future__ import annotations

import json

import numpy as np
from appkit import walk
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.scenario import load


def steps_of(*args):
    result = CliRunner().invoke(app, ["run", "maxout", *args, "--json"])
    assert result.exit_code == 0, result.output
    return {s["key"]: np.array(s["value"]) for s in json.loads(result.stdout)["steps"]}


def test_the_lesson_says_where_it_comes_from():
    s = load("maxout")
    assert s.source.document == "002_9c78fb10221bfba8.txt"
    assert s.title and "A1" in s.description and "dL/dZ1" in s.description


def test_two_pieces_with_one_at_zero_is_relu():
    steps = steps_of()
    z = steps["Z1"]
    assert z[:, 1].tolist() == [0.0, 0.0]  # piece 2 is 0ᵀx + 0
    assert steps["A1"][:, 0].tolist() == np.maximum(z[:, 0], 0.0).tolist() == [1.0, 0.0]


def test_the_unit_never_dies_its_other_piece_learns():
    steps = steps_of()
    # record 2 has z = -3 on piece 1: a ReLU would pass it no gradient; maxout sends dL/da to piece 2
    assert steps["dL/dZ1"].tolist() == [[-0.5, 0.0], [0.0, -0.5]]
    assert steps["dL/dW1"].tolist() == [[-0.5, 1.5]]  # x = -3 times -0.5 on piece 2: 1.5, not 0
    relu = steps_of("--set", "network.layers.0.activation=relu", "--set", "parameters.W1=[[1.0]]",
                    "--set", "parameters.b1=[0.0]")
    assert relu["dL/dZ1"].tolist() == [[-0.5], [0.0]]  # ReLU: record 2 gives nothing


def test_step_mode_walks_the_maxout_frames():
    text = walk("maxout", size=(110, 60))
    for word in ("max(-3, 0) = 0", "∂L/∂z2⁽¹⁾[2] = ∂L/∂a1⁽¹⁾[2] = -0.5", "is the largest piece of unit 1"):
        assert word in text, word
