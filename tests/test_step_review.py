"""Step mode after review: chain-rule links, layer marks, non-finite values, small
terminals, the picture's width and the highlight without colour."""

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from backprop_tutor.engine import Engine
from backprop_tutor.render.theme import THEMES
from backprop_tutor.scenario import load
from backprop_tutor.stepper.keys import Navigator
from backprop_tutor.stepper.lesson import Lesson
from backprop_tutor.stepper.loop import print_all, screen_lines
from backprop_tutor.symbolic.substitution import element_lines

TUTOR = shutil.which("tutor") or str(Path(sys.executable).with_name("tutor"))
BUILT_IN = ["height-weight", "logistic-4x2"]

#: one input, two ReLU units, a sigmoid output driven to exactly 1.0 while the target is 0
LOG0 = """\
name: log0-edge
title: "a sigmoid output pushed to exactly 1 with target 0"
data:
  inputs: [[1]]
  targets: [[0]]
network:
  inputs: 1
  layers:
    - {units: 2, activation: relu}
    - {units: 1, activation: sigmoid}
parameters:
  W1: [[1, 1]]
  b1: [0, 0]
  W2: [[1], [40]]
  b2: [0]
loss: {type: binary_cross_entropy}
training:
  learning_rate: 0.1
  batch: full
  max_iterations: 10
"""


@pytest.fixture
def log0_file(tmp_path):
    path = tmp_path / "log0.yaml"
    path.write_text(LOG0, encoding="utf-8")
    return str(path)


def lesson(name, theme="normal", settings=()):
    model = load(name, list(settings))
    return Lesson(model, list(Engine(model).steps()), THEMES[theme])


def console(width=80):
    return Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False,
                   highlight=False, legacy_windows=False)


def frame_text(les, i, width=80):
    out = console(width)
    out.print(les.frame(i))
    return out.file.getvalue()


# 1. a chain-rule link names the step whose value was read -------------------------------

@pytest.mark.parametrize("name, key, expected", [
    ("logistic-4x2", "dL/dA1", ["dL/dZ2 (step 7)", "W2 (initial parameter)"]),
    ("height-weight", "dL/dA1", ["dL/dZ2 (step 11)", "W2 (initial parameter)"]),
    ("logistic-4x2", "dL/dW1", ["X (scenario data)", "dL/dZ1 (step 11)"]),
    ("height-weight", "dL/dW1", ["x (step 3)", "dL/dZ1 (step 15)"]),
])
def test_reuse_points_to_an_earlier_step(name, key, expected):
    les = lesson(name)
    i = next(k for k, st in enumerate(les.steps) if st.key == key)
    assert les.frame(i).c.reuses == expected


def test_no_reuse_points_forward():
    for name in BUILT_IN:
        les = lesson(name)
        for i in range(les.total):
            for link in les.frame(i).c.reuses:
                found = re.search(r"\(step (\d+)\)", link)
                if found:
                    assert int(found.group(1)) <= i, (name, i + 1, link)


# 2. every element of a layer carries its layer mark ------------------------------------

def lines_of(name, key, settings=()):
    st = next(st for st in Engine(load(name, list(settings))).steps() if st.key == key)
    return element_lines(st, limit=100).lines


def test_bias_gradient_lines_name_the_layer():
    assert lines_of("height-weight", "dL/db2") == ["∂L/∂b1⁽²⁾ = ∂L/∂z1⁽²⁾ = 0.366852"]
    assert lines_of("height-weight", "dL/db1") == ["∂L/∂b1⁽¹⁾ = ∂L/∂z1⁽¹⁾ = 0.0902948",
                                                   "∂L/∂b2⁽¹⁾ = ∂L/∂z2⁽¹⁾ = 0.0431058"]
    assert lines_of("logistic-4x2", "dL/db1")[2].startswith("∂J/∂b3⁽¹⁾ = ∂J/∂z3⁽¹⁾[1] + ")


#: a weight, bias, pre-activation or hidden activation named without its layer mark
UNMARKED = re.compile(r"(?<![\w′])([wbzah])(\d+)(?![\d⁽])")


@pytest.mark.parametrize("name, settings", [
    ("height-weight", ()), ("logistic-4x2", ()), ("logistic-4x2", ("loss.l2=0.01",)),
])
def test_no_element_line_drops_the_layer_mark(name, settings):
    seen = set()
    steps = list(Engine(load(name, list(settings))).steps())
    for st in steps:
        found = element_lines(st, limit=100)
        if found is None:
            continue
        seen.add(st.role)
        for line in found.lines:
            assert not UNMARKED.search(line), (st.key, line)
    assert {"forward", "backward", "weight_grad", "bias_grad", "input_grad", "update"} <= seen


# 3. values that are not finite are drawn, never a crash --------------------------------

def test_log0_scenario_lines_show_inf_and_the_warning(log0_file):
    les = lesson(log0_file)
    keys = [st.key for st in les.steps]
    loss = frame_text(les, keys.index("L"), width=120)
    assert "= inf (log 0)" in loss and "log(0) ahead" in loss
    grad = frame_text(les, keys.index("dL/dA2"), width=120)
    assert "= inf" in grad and "log(0) ahead" in grad
    assert "= -inf" in frame_text(les, keys.index("W2"), width=120)


def test_nan_is_shown_as_nan():
    from dataclasses import replace

    import numpy as np

    st = next(st for st in Engine(load("height-weight", [])).steps() if st.key == "dL/dW2")
    g = np.array([[np.nan]])
    bad = replace(st, inputs={**st.inputs, "∂L/∂Z2": g}, value=np.array([[np.nan], [np.nan]]))
    assert all(line.endswith("= nan") for line in element_lines(bad).lines)


@pytest.mark.parametrize("theme", ["normal", "projector"])
@pytest.mark.parametrize("view", ["auto", "element", "matrix"])
@pytest.mark.parametrize("name", BUILT_IN + ["log0"])
def test_every_frame_renders(name, view, theme, log0_file):
    """Printed in order and cut to an 80 x 24 screen: no frame may raise."""
    model = load(log0_file if name == "log0" else name, [])
    les = Lesson(model, list(Engine(model).steps()), THEMES[theme], view)
    out = console()
    print_all(les, out)
    assert f" {les.total}/{les.total} " in out.file.getvalue()
    for i in range(les.total):
        nav = Navigator(les.total, les.phase_starts(), index=i)
        assert len(screen_lines(les, nav, out, 80, 24)) <= 24


def test_log0_scenario_without_a_terminal_exits_0(log0_file):
    done = subprocess.run([TUTOR, "run", log0_file, "--step"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "log(0) ahead" in done.stdout
