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
    # links name a value as the scenario's notation writes it (J or L, H or A, Ŷ), as the panel does
    ("logistic-4x2", "dL/dA1", ["∂J/∂Z2 (step 7)", "W2 (initial parameter)"]),
    ("height-weight", "dL/dA1", ["∂L/∂Z2 (step 11)", "W2 (initial parameter)"]),
    ("logistic-4x2", "dL/dW1", ["X (scenario data)", "∂J/∂Z1 (step 11)"]),
    ("height-weight", "dL/dW1", ["x (step 3)", "∂L/∂Z1 (step 15)"]),
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
    # ŷ = σ(41) rounds to 1.0, but 1 - ŷ is computed exactly as σ(-41): J = 41, not log(0) = inf,
    # and the gradient is finite (the rounded 1 - ŷ = 0 gave inf, a number no exact rule gives)
    assert "= 41" in loss and "log(0) ahead" in loss
    grad = frame_text(les, keys.index("dL/dA2"), width=120)
    assert "= 6.39843e+17" in grad.replace("e17", "e+17") or "6.39843e17" in grad
    assert "log(0) ahead" in grad
    assert "inf" not in frame_text(les, keys.index("W2"), width=120)


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


# 4. a short terminal keeps the essentials in view and scrolls to the rest --------------

def screen(les, nav, width=80, height=24):
    lines = screen_lines(les, nav, console(width), width, height)
    return ["".join(seg.text for seg in line).rstrip() for line in lines]


def test_80x24_shows_result_warning_and_chain_rule_first():
    les = lesson("logistic-4x2")
    nav = Navigator(les.total, les.phase_starts(), index=10)  # step 11, ∂J/∂Z1
    text = "\n".join(screen(les, nav))
    assert "11/17" in text
    assert "∂J/∂Z1 = ∂J/∂H1∘σ′(Z1)" in text and "-0.002468" in text  # formula and result
    assert "saturated σ: unit 2" in text and "chain rule: reuses" in text
    assert "more lines below" in text
    nav.index = 6  # step 7: its chain-rule line was hidden below the picture
    assert "chain rule: reuses ∂J/∂Ŷ (step 6)" in "\n".join(screen(les, nav))


def test_scrolling_reveals_the_rest_and_comes_back():
    les = lesson("logistic-4x2")
    nav = Navigator(les.total, les.phase_starts(), index=10)
    first = screen(les, nav)
    seen = "\n".join(first)
    for _ in range(10):
        nav.handle("pagedown")
        seen += "\n".join(screen(les, nav))
    assert nav.index == 10 and nav.scroll == nav.scroll_max > 0  # scrolled, did not change step
    assert "0.000911051" in seen  # an input matrix (H1)
    assert "weights into each unit on its row" in seen  # the picture, after the operation
    assert "lines above" in screen(les, nav)[-2]
    nav.handle("pagedown")
    assert "end of the step" in nav.message
    for _ in range(60):
        nav.handle("k")
    assert nav.scroll == 0 and screen(les, nav)[:-1] == first[:-1]  # the key line has a message
    nav.handle("j")
    assert nav.scroll == 1
    nav.handle("right")
    assert nav.index == 11 and nav.scroll == 0


def test_a_frame_that_fits_keeps_the_picture_on_top_and_does_not_scroll():
    les = lesson("height-weight")
    nav = Navigator(les.total, les.phase_starts(), index=8)  # the loss
    text = screen(les, nav)
    assert text[1].split()[0] == "inputs" and not any("more lines below" in t for t in text)
    nav.handle("down")
    assert nav.scroll == 0 and "whole step is shown" in nav.message


def test_keys_line_and_help_name_the_scroll_keys():
    from backprop_tutor.stepper.keys import HELP

    les = lesson("logistic-4x2")
    nav = Navigator(les.total, les.phase_starts())
    assert "↓↑ scroll" in screen(les, nav)[-1] and "q quit" in screen(les, nav)[-1]
    keys = " ".join(k for k, _ in HELP)
    assert all(k in keys for k in ("↓", "↑", "j", "k", "PgDn", "PgUp"))


# 5. the picture never wraps ------------------------------------------------------------

def picture_lines(les, i, width):
    out = console(width)
    out.print(les.frame(i).c.network)
    return out.file.getvalue().rstrip("\n").split("\n")


@pytest.mark.parametrize("width", [80, 64])
@pytest.mark.parametrize("theme", ["normal", "projector"])
@pytest.mark.parametrize("name", BUILT_IN)
def test_picture_rows_never_wrap(name, theme, width):
    les = lesson(name, theme)
    widest = max(range(len(les._layers())), key=lambda l: les._layers()[l][1])
    base, units = les._layers()[widest][2], les._layers()[widest][1]
    for i in range(les.total):
        lines = picture_lines(les, i, width)
        assert all(len(line) <= width for line in lines), (i + 1, lines)
        caption = next(k for k, line in enumerate(lines) if "on its row" in line or "left out" in line)
        table = lines[:caption]
        assert len(table) == 2 + units, (i + 1, "\n".join(lines))  # header, rule, one line a unit
        for j, row in enumerate(table[2:]):
            assert f" {base}{j + 1} " in f" {row} ", (i + 1, j, row)


def test_picture_keeps_three_digits_when_it_fits():
    les = lesson("logistic-4x2")
    assert "h1 ∂z -0.00247" in "\n".join(picture_lines(les, 10, 120))


# 6. the highlight survives NO_COLOR ----------------------------------------------------

@pytest.mark.parametrize("name", BUILT_IN)
def test_touched_column_is_marked_without_colour(name):
    les = lesson(name)
    for i in range(les.total):
        text = "\n".join(picture_lines(les, i, 100))
        assert text.count("▶") == 1, (i + 1, text)
    z1 = next(i for i, st in enumerate(les.steps) if st.key == "Z1")
    assert "▶ layer 1" in picture_lines(les, z1, 100)[0]
    w1 = next(i for i, st in enumerate(les.steps) if st.key == "dL/dW1")
    assert "▶ ∂" in picture_lines(les, w1, 100)[0]


def test_no_color_output_still_marks_the_step():
    import os

    done = subprocess.run([TUTOR, "run", "height-weight", "--step"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, NO_COLOR="1", COLUMNS="80"))
    assert done.returncode == 0 and "\x1b[" not in done.stdout
    assert done.stdout.count("▶") == 21  # one mark in each step's picture


# the input shows once a step has chosen it --------------------------------------------

def test_input_is_blank_until_the_record_is_chosen():
    les = lesson("height-weight")
    assert picture_lines(les, 0, 100)[2].startswith("x ·")  # X′ scaled, no record chosen yet
    assert picture_lines(les, 1, 100)[2].startswith("x ·")
    assert picture_lines(les, 2, 100)[2].startswith("x 0.5")  # step 3 chooses record 1
    assert picture_lines(lesson("logistic-4x2"), 0, 100)[2].startswith("x1 1")  # the data, given


def test_pseudo_terminal_80x24_step_11_then_scroll():
    import os

    import pexpect

    child = pexpect.spawn(TUTOR, ["run", "logistic-4x2", "--step"], dimensions=(24, 80),
                          encoding="utf-8", timeout=30, env=dict(os.environ, TERM="xterm-256color"))
    child.expect(r"\b1/17\b")
    child.send("g11\r")
    child.expect(r"\b11/17\b")
    child.expect("-0.002468")  # the result
    child.expect("saturated σ: unit 2")  # its warning
    child.expect("more lines below")
    for _ in range(3):
        child.send("\x1b[6~")  # PgDn
    child.expect("0.000911051")  # the input H1, below the first screen
    child.expect("on its row")  # the picture, after the operation
    child.expect("lines above")
    child.send("?")
    child.expect("scroll the step")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_new_step_starts_at_its_top():
    n = Navigator(3, scroll=4, scroll_max=9, playing=True)
    n.tick()  # --auto moves on
    assert n.index == 1 and n.scroll == 0
    n.scroll = 3
    n.handle("g"), n.handle("3"), n.handle("enter")
    assert n.index == 2 and n.scroll == 0
